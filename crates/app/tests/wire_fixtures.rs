//! Wire and state formats, pinned to committed fixtures.
//!
//! Every test here encodes something with the real code and compares the bytes with a file in
//! `tests/fixtures/` (lower-case hex, or JSON for the genesis file). A mismatch means a format
//! changed: transactions already signed, receipts already proven and state already stored would
//! no longer match. Changing a wire format is a deliberate, reviewed act: update the spec in
//! `docs/spec/`, then re-bless the fixtures and commit both in the same change:
//!
//! ```sh
//! TERRANE_BLESS=1 cargo test -p terrane-app --test wire_fixtures
//! ```
//!
//! With `TERRANE_BLESS=1` the tests write the current encodings into the fixture files (and the
//! generated worked example into `docs/spec/transactions.md`) instead of comparing. Without it,
//! nothing is ever rewritten: a missing fixture fails the test.

use commonware_codec::{DecodeExt, Encode, EncodeSize};
use futures::executor::block_on;
use std::{collections::BTreeSet, fs, path::PathBuf};
use terrane_accounts::{
    msg::Transfer,
    params::AccountsParams,
    state_key::{Accounts, PARAMS_KEY, Params, SINGLETON, SupplyLedger},
    types::{Account, Supply},
};
use terrane_app::{
    Executor, Genesis, Outcome, Payload, SignedTransaction, Transaction,
    outcome::registry,
    state_key::{ChainHead, HEAD_KEY, Head, Receipt, Receipts},
    testkit::{address_of, min_fee_for, named_key},
};
use terrane_primitives::{
    Address, Amount, ChainId, Epoch, Hash32, Height, Namespace, Nonce, TimestampMs, hex, merkle,
    sha256,
};
use terrane_state::{BlockEnv, MemStore, Overlay, StateKey, Table};

const CHAIN: &str = "terrane-devnet";
const EXAMPLE_AMOUNT: u64 = 250_000;
const EXAMPLE_MEMO: &[u8] = b"hello terrane";
const GENESIS_ALICE_BALANCE: u64 = 1_000_000;

const DOC_BEGIN: &str = "<!-- BEGIN GENERATED: wire_fixtures::transfer_example -->";
const DOC_END: &str = "<!-- END GENERATED: wire_fixtures::transfer_example -->";

fn blessing() -> bool {
    std::env::var("TERRANE_BLESS").is_ok_and(|v| v == "1")
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with fixture `name`, or writes it when blessing.
fn pin(name: &str, actual: &str) {
    let path = manifest_dir().join("tests/fixtures").join(name);
    if blessing() {
        fs::create_dir_all(path.parent().expect("fixture dir")).expect("create fixture dir");
        fs::write(&path, format!("{actual}\n")).expect("write fixture");
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing ({e}); create it with TERRANE_BLESS=1 after reviewing the format",
            path.display()
        )
    });
    assert!(
        expected.trim_end() == actual,
        "\n\nWIRE FORMAT CHANGED: {name}\n  fixture: {}\n  now:     {actual}\n\n\
         Changing a wire format is a deliberate, reviewed act: every signed transaction, stored \
         value and proof in the wild depends on these bytes. If the change is intended, update \
         docs/spec/, rerun with TERRANE_BLESS=1, and commit the fixture diff with it.\n",
        expected.trim_end()
    );
}

fn pin_hex(name: &str, bytes: &[u8]) {
    pin(name, &hex::encode(bytes));
}

fn chain() -> ChainId {
    ChainId::new(CHAIN).expect("valid chain id")
}

fn alice() -> Address {
    address_of(&named_key("alice"))
}

fn bob() -> Address {
    address_of(&named_key("bob"))
}

/// The worked example of `docs/spec/transactions.md`: alice sends 0.25 TRN to bob with a memo,
/// as her first transaction, paying exactly the minimum fee under the default parameters.
fn example_unsigned() -> Transaction {
    let mut tx = Transaction {
        signer: alice(),
        nonce: Nonce::new(0),
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to: bob(),
            amount: Amount::new(EXAMPLE_AMOUNT),
            memo: EXAMPLE_MEMO.to_vec(),
        }),
    };
    tx.fee = min_fee_for(&tx, &AccountsParams::default());
    tx
}

fn example_signed() -> SignedTransaction {
    example_unsigned().sign(&named_key("alice"), &chain())
}

/// `varint(len(ns)) || ns || msg`, written out here (not via commonware) so the test checks the
/// framing the spec states.
fn framed(namespace: &[u8], msg: &[u8]) -> Vec<u8> {
    assert!(namespace.len() < 128, "one-byte varint suffices here");
    let mut out = vec![u8::try_from(namespace.len()).expect("short")];
    out.extend_from_slice(namespace);
    out.extend_from_slice(msg);
    out
}

fn example_genesis() -> Genesis {
    Genesis::for_tests(CHAIN, &[(alice(), Amount::new(GENESIS_ALICE_BALANCE))])
}

#[test]
fn testkit_alice_key_is_pinned() {
    let key = named_key("alice");
    pin_hex("alice.seed.hex", &key.encode());
    pin_hex("alice.public_key.hex", alice().as_bytes());
    pin_hex("bob.public_key.hex", bob().as_bytes());
}

#[test]
fn transfer_example_bytes_id_and_signature_are_pinned() {
    let unsigned = example_unsigned();
    let signed = example_signed();
    let namespace = chain().namespace(Namespace::Transaction);
    assert_eq!(namespace, b"terrane/terrane-devnet/tx");

    pin_hex("transfer_example.unsigned.hex", &unsigned.encode());
    pin_hex(
        "transfer_example.signing_message.hex",
        &framed(&namespace, &unsigned.encode()),
    );
    pin_hex("transfer_example.signature.hex", signed.signature.as_ref());
    pin_hex("transfer_example.signed.hex", &signed.encode());
    pin_hex("transfer_example.id.hex", signed.id().as_bytes());
}

#[test]
fn transfer_example_follows_the_documented_rules() {
    let unsigned = example_unsigned();
    let signed = example_signed();
    let bytes = signed.encode();

    // signed = unsigned || signature[64]; id = SHA-256(unsigned).
    assert_eq!(&bytes[..bytes.len() - 64], unsigned.encode().as_ref());
    assert_eq!(&bytes[bytes.len() - 64..], signed.signature.as_ref());
    assert_eq!(signed.id(), sha256(&[&unsigned.encode()]));

    // Minimum fee = base_fee + byte_fee * encoded signed length.
    let params = AccountsParams::default();
    let expected_fee = params.base_fee.get() + params.byte_fee.get() * bytes.len() as u64;
    assert_eq!(unsigned.fee.get(), expected_fee);
    assert_eq!(signed.encode_size(), bytes.len());

    // Plain RFC 8032 Ed25519 over the framed message verifies.
    let namespace = chain().namespace(Namespace::Transaction);
    assert!(signed.verify(&namespace));
    assert!(
        !signed.verify(
            &ChainId::new("other")
                .unwrap()
                .namespace(Namespace::Transaction)
        )
    );

    // The bytes decode back to the same transaction.
    let decoded = SignedTransaction::decode_bounded(&bytes).expect("decodes");
    assert_eq!(decoded, signed);
}

#[test]
fn transfer_example_executes_against_the_pinned_genesis() {
    let exec = Executor::new(example_genesis());
    let signed = example_signed();
    let env = BlockEnv {
        chain_id: chain(),
        height: Height::new(1),
        epoch: Epoch::ZERO,
        timestamp: TimestampMs::new(1_000),
        randomness: Hash32::default(),
    };
    let store = MemStore::new();
    let mut overlay = Overlay::new(&store);
    let out = block_on(exec.execute(&mut overlay, &env, &[signed.encode().to_vec()])).unwrap();
    assert_eq!(out.txs.len(), 1);
    assert_eq!(out.txs[0].outcome, Outcome::OK);
    assert_eq!(out.txs[0].id, signed.id());

    let account = block_on(overlay.get::<Accounts>(&alice()))
        .unwrap()
        .unwrap();
    let fee = signed.tx.fee.get();
    assert_eq!(
        account,
        Account {
            balance: Amount::new(GENESIS_ALICE_BALANCE - EXAMPLE_AMOUNT - fee),
            nonce: Nonce::new(1),
        }
    );
    let receipt = block_on(overlay.get::<Receipts>(&signed.id()))
        .unwrap()
        .unwrap();
    assert_eq!(
        receipt,
        Receipt {
            height: Height::new(1),
            index: 0,
            code: 0
        }
    );

    // The outcome leaf is SHA-256(0x00 || index u32be || id || code u16be).
    let mut leaf = vec![0u8];
    leaf.extend_from_slice(&0u32.to_be_bytes());
    leaf.extend_from_slice(signed.id().as_bytes());
    leaf.extend_from_slice(&0u16.to_be_bytes());
    assert_eq!(out.outcome_leaves(), vec![sha256(&[&leaf])]);
    pin_hex(
        "transfer_example.outcomes_root.hex",
        out.outcomes_root().as_bytes(),
    );
    pin_hex(
        "transfer_example.alice_account_after.hex",
        &account.encode(),
    );
    pin_hex("transfer_example.receipt.hex", &receipt.encode());
}

#[test]
fn account_value_encoding_is_pinned() {
    let account = Account {
        balance: Amount::new(1_234_567),
        nonce: Nonce::new(3),
    };
    let bytes = account.encode();
    assert_eq!(bytes.len(), 16);
    assert_eq!(Account::decode(bytes.clone()).unwrap(), account);
    pin_hex("account_value.hex", &bytes);
}

#[test]
fn supply_value_encoding_is_pinned() {
    let supply = Supply {
        genesis: Amount::new(1_000_000),
        minted: Amount::new(5),
        burned: Amount::new(2_670),
    };
    let bytes = supply.encode();
    assert_eq!(bytes.len(), 24);
    assert_eq!(Supply::decode(bytes.clone()).unwrap(), supply);
    pin_hex("supply_value.hex", &bytes);
}

#[test]
fn accounts_params_value_encoding_is_pinned() {
    let bytes = AccountsParams::default().encode();
    assert_eq!(bytes.len(), 16);
    pin_hex("accounts_params_default_value.hex", &bytes);
}

#[test]
fn receipt_value_encoding_is_pinned() {
    let receipt = Receipt {
        height: Height::new(7),
        index: 2,
        code: 101,
    };
    let bytes = receipt.encode();
    assert_eq!(bytes.len(), 14);
    assert_eq!(Receipt::decode(bytes.clone()).unwrap(), receipt);
    pin_hex("receipt_value.hex", &bytes);
}

#[test]
fn chain_head_value_encoding_is_pinned() {
    let head = ChainHead {
        height: Height::new(42),
        timestamp: TimestampMs::new(1_700_000_000_000),
        genesis: example_genesis().hash(),
    };
    let bytes = head.encode();
    assert_eq!(bytes.len(), 48);
    assert_eq!(ChainHead::decode(bytes.clone()).unwrap(), head);
    pin_hex("chain_head_value.hex", &bytes);
}

#[test]
fn state_keys_are_pinned() {
    // SHA-256("terrane/state/v1" || table_id u16be || encoded key), written out by hand.
    let by_hand =
        |table: u16, key: &[u8]| sha256(&[b"terrane/state/v1", &table.to_be_bytes(), key]);
    let alice_key = StateKey::of::<Accounts>(&alice());
    assert_eq!(alice_key.0, by_hand(0x01, alice().as_bytes()));
    assert_eq!(
        StateKey::of::<SupplyLedger>(&SINGLETON).0,
        by_hand(0x02, &[0])
    );
    assert_eq!(StateKey::of::<Params>(&PARAMS_KEY).0, by_hand(0x03, &[1]));
    assert_eq!(StateKey::of::<Head>(&HEAD_KEY).0, by_hand(0x05, &[0]));
    let id = example_signed().id();
    assert_eq!(
        StateKey::of::<Receipts>(&id).0,
        by_hand(0x04, id.as_bytes())
    );
    assert_eq!(
        (
            Accounts::ID,
            SupplyLedger::ID,
            Params::ID,
            Receipts::ID,
            Head::ID
        ),
        (0x01, 0x02, 0x03, 0x04, 0x05)
    );

    pin_hex("state_key.alice_account.hex", alice_key.0.as_bytes());
    pin_hex(
        "state_key.supply.hex",
        StateKey::of::<SupplyLedger>(&SINGLETON).0.as_bytes(),
    );
    pin_hex(
        "state_key.accounts_params.hex",
        StateKey::of::<Params>(&PARAMS_KEY).0.as_bytes(),
    );
    pin_hex(
        "state_key.chain_head.hex",
        StateKey::of::<Head>(&HEAD_KEY).0.as_bytes(),
    );
    pin_hex(
        "state_key.transfer_example_receipt.hex",
        StateKey::of::<Receipts>(&id).0.as_bytes(),
    );
}

#[test]
fn merkle_root_over_three_leaves_is_pinned() {
    let data: [&[u8]; 3] = [b"alpha", b"beta", b"gamma"];
    let leaves: Vec<Hash32> = data.iter().map(|d| merkle::leaf(d)).collect();
    // leaf = SHA-256(0x00 || data); node = SHA-256(0x01 || l || r); the odd last node is
    // carried up unchanged: root = node(node(l0, l1), l2).
    for (leaf, d) in leaves.iter().zip(data) {
        assert_eq!(*leaf, sha256(&[&[0u8], d]));
    }
    let left = sha256(&[&[1u8], leaves[0].as_ref(), leaves[1].as_ref()]);
    let root = sha256(&[&[1u8], left.as_ref(), leaves[2].as_ref()]);
    assert_eq!(merkle::root(&leaves), root);
    assert_eq!(merkle::root(&[]), Hash32::default());
    assert_eq!(merkle::root(&leaves[..1]), leaves[0]);

    pin_hex("merkle.alpha_beta_gamma.root.hex", root.as_bytes());
}

#[test]
fn genesis_hash_is_pinned() {
    let genesis = example_genesis();
    let canonical = serde_json::to_string(&genesis).expect("serializes");
    assert_eq!(
        genesis.hash(),
        sha256(&[b"terrane/genesis/v1", canonical.as_bytes()])
    );
    // The pretty file form parses back to the same content and hash.
    let reparsed = Genesis::from_json(&genesis.to_json()).expect("valid genesis");
    assert_eq!(reparsed.hash(), genesis.hash());

    pin("genesis_for_tests.canonical.json", &canonical);
    pin_hex("genesis_for_tests.hash.hex", genesis.hash().as_bytes());
}

#[test]
fn outcomes_doc_lists_every_registered_code() {
    let path = manifest_dir().join("../../docs/spec/outcomes.md");
    let doc =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // Rows of the registry table: `| code | `name` | ...`.
    let rows: BTreeSet<(u16, String)> = doc
        .lines()
        .filter_map(|line| {
            let mut cells = line.trim().strip_prefix('|')?.split('|').map(str::trim);
            let code = cells.next()?.parse::<u16>().ok()?;
            // Registry rows write the name as code; the ranges table does not.
            let name = cells
                .next()?
                .strip_prefix('`')?
                .trim_end_matches('`')
                .to_owned();
            Some((code, name))
        })
        .collect();
    let missing: Vec<String> = registry()
        .into_iter()
        .filter(|info| !rows.contains(&(info.code, info.name.to_owned())))
        .map(|info| format!("{} {}", info.code, info.name))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/spec/outcomes.md does not list these registered codes as `| code | `name` | ...` \
         table rows: {missing:?}"
    );
    // And the other way: a documented code the registry lacks belongs to a module left out of
    // the module list (`terrane_app::modules`).
    let registered: BTreeSet<(u16, String)> = registry()
        .into_iter()
        .map(|info| (info.code, info.name.to_owned()))
        .collect();
    let unregistered: Vec<&(u16, String)> = rows.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "docs/spec/outcomes.md lists codes no listed module registers: {unregistered:?}"
    );
}

#[test]
fn state_doc_lists_every_table_id() {
    let path = manifest_dir().join("../../docs/spec/state.md");
    let doc =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    // Rows of the table registry: `| `0x01` | `accounts` | ...`.
    let rows: BTreeSet<(u16, String)> = doc
        .lines()
        .filter_map(|line| {
            let mut cells = line.trim().strip_prefix('|')?.split('|').map(str::trim);
            let id = cells.next()?.trim_matches('`').strip_prefix("0x")?;
            let id = u16::from_str_radix(id, 16).ok()?;
            let name = cells.next()?.trim_matches('`').to_owned();
            Some((id, name))
        })
        .collect();
    let missing: Vec<String> = terrane_state::tables::ALL
        .iter()
        .filter(|(id, name)| !rows.contains(&(*id, (*name).to_owned())))
        .map(|(id, name)| format!("{id:#06x} {name}"))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/spec/state.md does not list these table ids as `| `0x..` | `name` | ...` rows: \
         {missing:?}"
    );
}

/// The generated worked example in `docs/spec/transactions.md`.
fn render_example() -> String {
    let unsigned = example_unsigned();
    let signed = example_signed();
    #[allow(irrefutable_let_patterns)]
    let Payload::Transfer(transfer) = &unsigned.payload else {
        panic!("the worked example is a transfer");
    };
    let namespace = chain().namespace(Namespace::Transaction);
    let signed_bytes = signed.encode();
    let params = AccountsParams::default();
    let h = |b: &[u8]| hex::encode(b);
    let row = |field: &str, bytes: &[u8], meaning: String| {
        format!(
            "| {field} | {} | `{}` | {meaning} |\n",
            bytes.len(),
            h(bytes)
        )
    };

    let mut out = String::new();
    out.push_str(DOC_BEGIN);
    out.push_str("\n\n");
    out.push_str("Inputs:\n\n");
    out.push_str(&format!(
        "- chain id `{CHAIN}`, so the namespace is `{}` ({} bytes)\n",
        String::from_utf8_lossy(&namespace),
        namespace.len()
    ));
    out.push_str(&format!(
        "- signer: testkit key \"alice\", Ed25519 private key (RFC 8032 seed) `{}`\n",
        h(&named_key("alice").encode())
    ));
    out.push_str(&format!(
        "- recipient: testkit key \"bob\", public key `{}`\n",
        h(bob().as_bytes())
    ));
    out.push_str(&format!(
        "- nonce 0 (alice's first transaction), amount {EXAMPLE_AMOUNT} base units (0.25 TRN), memo \"{}\"\n",
        String::from_utf8_lossy(EXAMPLE_MEMO)
    ));
    out.push_str(&format!(
        "- fee: the minimum under the default parameters, {} + {} × {} bytes = {} base units\n\n",
        params.base_fee.get(),
        params.byte_fee.get(),
        signed_bytes.len(),
        unsigned.fee.get()
    ));
    out.push_str("| field | bytes | hex | meaning |\n|---|---|---|---|\n");
    out.push_str(&row(
        "signer",
        unsigned.signer.as_bytes(),
        "alice's public key".into(),
    ));
    out.push_str(&row(
        "nonce",
        &unsigned.nonce.get().to_be_bytes(),
        format!("{}", unsigned.nonce.get()),
    ));
    out.push_str(&row(
        "fee",
        &unsigned.fee.get().to_be_bytes(),
        format!("{}", unsigned.fee.get()),
    ));
    out.push_str(&row(
        "payload tag",
        &[unsigned.payload.tag()],
        "0 = transfer".into(),
    ));
    out.push_str(&row(
        "to",
        transfer.to.as_bytes(),
        "bob's public key".into(),
    ));
    out.push_str(&row(
        "amount",
        &transfer.amount.get().to_be_bytes(),
        format!("{}", transfer.amount.get()),
    ));
    out.push_str(&row(
        "memo length",
        &transfer.memo.len().encode(),
        format!("varint {}", transfer.memo.len()),
    ));
    out.push_str(&row(
        "memo",
        &transfer.memo,
        format!("\"{}\"", String::from_utf8_lossy(&transfer.memo)),
    ));
    out.push_str(&row(
        "signature",
        signed.signature.as_ref(),
        "Ed25519 over the signing message".into(),
    ));
    out.push_str(&format!(
        "\nUnsigned transaction ({} bytes):\n\n```text\n{}\n```\n",
        unsigned.encode().len(),
        h(&unsigned.encode())
    ));
    let message = framed(&namespace, &unsigned.encode());
    out.push_str(&format!(
        "\nSigning message = `{:02x}` (varint {}) || namespace || unsigned transaction ({} bytes):\n\n```text\n{}\n```\n",
        namespace.len(),
        namespace.len(),
        message.len(),
        h(&message)
    ));
    out.push_str(&format!(
        "\nTransaction id = SHA-256(unsigned transaction):\n\n```text\n{}\n```\n",
        h(signed.id().as_bytes())
    ));
    out.push_str(&format!(
        "\nSigned transaction, as submitted to `POST /v1/tx` and carried in blocks ({} bytes):\n\n```text\n{}\n```\n",
        signed_bytes.len(),
        h(&signed_bytes)
    ));
    out.push('\n');
    out.push_str(DOC_END);
    out
}

#[test]
fn transactions_doc_shows_the_generated_example() {
    let path = manifest_dir().join("../../docs/spec/transactions.md");
    let doc =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (Some(start), Some(end)) = (doc.find(DOC_BEGIN), doc.find(DOC_END)) else {
        panic!("{} lacks the generated example markers", path.display());
    };
    let current = &doc[start..end + DOC_END.len()];
    let rendered = render_example();
    if blessing() {
        let updated = format!(
            "{}{}{}",
            &doc[..start],
            rendered,
            &doc[end + DOC_END.len()..]
        );
        fs::write(&path, updated).expect("write transactions.md");
        eprintln!("blessed {}", path.display());
        return;
    }
    assert!(
        current == rendered,
        "the worked example in docs/spec/transactions.md is stale; it is generated by this test. \
         Rerun with TERRANE_BLESS=1 after reviewing the format change.\n--- generated ---\n{rendered}"
    );
}

/// The worked example of `docs/spec/devices.md`: alice registers a coverage hotspot attested
/// by the devnet-style maker, from fixed seeds, paying the minimum envelope fee.
#[test]
fn register_device_example_is_pinned() {
    use commonware_cryptography::{Signer as _, ed25519};
    use terrane_devices::{msg::Domains, testkit};
    let seed = |h: &str| {
        ed25519::PrivateKey::decode(bytes::Bytes::from(hex::decode(h).expect("hex"))).expect("seed")
    };
    let device = seed("b00c1b5dda589c2167ad11d280756d05f0546ede72431b74f4df940b1689e412");
    let maker = seed("ce89e4956afb4776ba0b4db8a7ffce007c0e5e6b5b494c13784c04ce015ae78a");
    assert_eq!(
        device.public_key().to_string(),
        "b82779a453261e485412e82425f44b6c508e9bdcce5d809b78da6bb38cc80be0"
    );
    let caps = terrane_coverage::radio::capabilities(30, 270, terrane_coverage::radio::Band::Eu868);
    pin_hex("register_example.capabilities.hex", &caps.encode());
    let location: terrane_geo::H3Cell = "8c2830828052dff".parse().expect("cell");
    let chain = ChainId::new("terrane-devnet").expect("chain id");
    let msg = testkit::registration(
        &Domains::of(&chain),
        &alice(),
        &device,
        caps,
        location,
        &maker,
    );
    pin_hex(
        "register_example.maker_signature.hex",
        msg.maker_signature.as_ref(),
    );
    pin_hex(
        "register_example.device_signature.hex",
        msg.device_signature.as_ref(),
    );
    let mut tx = Transaction {
        signer: alice(),
        nonce: Nonce::new(0),
        fee: Amount::ZERO,
        payload: Payload::RegisterDevice(msg),
    };
    tx.fee = min_fee_for(&tx, &AccountsParams::default());
    pin("register_example.fee.txt", &tx.fee.get().to_string());
    pin_hex("register_example.unsigned.hex", &tx.encode());
    let id = tx.id();
    pin("register_example.id.txt", &id.to_string());
    let signed = tx.sign(&named_key("alice"), &chain);
    pin_hex("register_example.signed.hex", &signed.encode());
    // docs/spec/devices.md shows this example: its id and signature must be these.
    let doc = fs::read_to_string(manifest_dir().join("../../docs/spec/devices.md")).expect("doc");
    for shown in [id.to_string(), hex::encode(signed.signature.as_ref())] {
        assert!(
            doc.contains(&shown),
            "docs/spec/devices.md does not show {shown}"
        );
    }
}
