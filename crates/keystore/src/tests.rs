use crate::{KdfParams, KeyInfo, Keystore, KeystoreError, Protection};
use commonware_codec::Encode;
use commonware_cryptography::{Signer, Verifier, ed25519::PrivateKey};
use std::{fs, path::Path};
use tempfile::TempDir;

/// Argon2id at its minimum cost, so tests run in milliseconds; production uses 64 MiB.
fn fast_kdf() -> KdfParams {
    KdfParams::new(8, 1, 1).expect("minimum Argon2id parameters are valid")
}

fn keystore() -> (TempDir, Keystore) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = Keystore::open(tmp.path().join("keys"))
        .expect("open keystore")
        .with_kdf_params(fast_kdf());
    (tmp, store)
}

fn pass(p: &str) -> Protection {
    Protection::Passphrase(p.to_owned())
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).expect("read key file")).expect("key file is JSON")
}

fn write_json(path: &Path, value: &serde_json::Value) {
    fs::write(path, serde_json::to_vec_pretty(value).expect("serialize")).expect("write");
}

fn same_key(a: &PrivateKey, b: &PrivateKey) -> bool {
    a.encode() == b.encode()
}

#[test]
fn create_then_load_round_trips_the_key() {
    let (_tmp, store) = keystore();
    let info = store.create("alice", pass("correct horse")).unwrap();
    let key = store.load("alice", Some("correct horse")).unwrap();
    assert_eq!(key.public_key(), info.public_key);
    assert!(info.encrypted);
    assert_eq!(info.path, store.path_of("alice"));
    assert_eq!(info.address_hex.len(), 64);
    assert_eq!(store.info("alice").unwrap(), info);
}

#[test]
fn import_then_load_returns_the_same_private_key() {
    let (_tmp, store) = keystore();
    let (_other, source) = keystore();
    source.create("k", Protection::InsecurePlaintext).unwrap();
    let original = source.load("k", None).unwrap();
    store.import("imported", &original, pass("pw")).unwrap();
    let loaded = store.load("imported", Some("pw")).unwrap();
    assert!(same_key(&original, &loaded));
}

#[test]
fn loaded_key_signs_messages_that_verify_under_its_public_key() {
    let (_tmp, store) = keystore();
    let info = store.create("signer", pass("pw")).unwrap();
    let key = store.load("signer", Some("pw")).unwrap();
    let namespace = b"terrane-keystore-test";
    let signature = key.sign(namespace, b"hello");
    assert!(info.public_key.verify(namespace, b"hello", &signature));
    assert!(!info.public_key.verify(namespace, b"other", &signature));
}

#[test]
fn each_created_key_is_different() {
    let (_tmp, store) = keystore();
    let a = store.create("a", Protection::InsecurePlaintext).unwrap();
    let b = store.create("b", Protection::InsecurePlaintext).unwrap();
    assert_ne!(a.public_key, b.public_key);
}

#[test]
fn wrong_passphrase_is_rejected_and_the_file_is_unchanged() {
    let (_tmp, store) = keystore();
    store.create("alice", pass("right")).unwrap();
    let before = fs::read(store.path_of("alice")).unwrap();
    let err = store.load("alice", Some("wrong")).unwrap_err();
    assert!(
        matches!(&err, KeystoreError::WrongPassphrase { name, .. } if name == "alice"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("wrong passphrase for key 'alice'")
    );
    assert_eq!(fs::read(store.path_of("alice")).unwrap(), before);
    store.load("alice", Some("right")).unwrap();
}

#[test]
fn duplicate_name_is_refused_without_overwriting() {
    let (_tmp, store) = keystore();
    let first = store.create("dup", pass("one")).unwrap();
    let before = fs::read(store.path_of("dup")).unwrap();

    let err = store.create("dup", pass("two")).unwrap_err();
    assert!(
        matches!(err, KeystoreError::AlreadyExists { .. }),
        "{err:?}"
    );
    let other = PrivateKey::from_seed_for_test();
    let err = store
        .import("dup", &other, Protection::InsecurePlaintext)
        .unwrap_err();
    assert!(
        matches!(err, KeystoreError::AlreadyExists { .. }),
        "{err:?}"
    );

    assert_eq!(fs::read(store.path_of("dup")).unwrap(), before);
    assert_eq!(
        store.load("dup", Some("one")).unwrap().public_key(),
        first.public_key
    );
}

#[test]
fn store_refuses_to_replace_a_file_created_after_the_name_check() {
    // Simulates losing the race between `check_new` and the write: the final link must fail.
    let (_tmp, store) = keystore();
    let path = store.path_of("racy");
    let key = PrivateKey::from_seed_for_test();
    fs::write(&path, b"placed by another process").unwrap();
    let err = store
        .store("racy", &key, &Protection::InsecurePlaintext)
        .unwrap_err();
    assert!(
        matches!(err, KeystoreError::AlreadyExists { .. }),
        "{err:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"placed by another process");
    let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec!["racy.json"], "temporary file left behind");
}

#[test]
fn names_with_path_separators_are_rejected() {
    let (tmp, store) = keystore();
    for name in ["../escape", "a/b", "a\\b", "/abs"] {
        let err = store
            .create(name, Protection::InsecurePlaintext)
            .unwrap_err();
        assert!(
            matches!(&err, KeystoreError::InvalidName { reason, .. } if reason.contains("separator")),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("A-Z a-z 0-9 _ . -"), "{err}");
        assert!(matches!(
            store.load(name, None),
            Err(KeystoreError::InvalidName { .. })
        ));
    }
    assert!(!tmp.path().join("escape.json").exists());
}

#[test]
fn names_outside_the_rule_are_rejected_and_names_inside_it_accepted() {
    let (_tmp, store) = keystore();
    let too_long = "a".repeat(65);
    for name in ["", ".hidden", "..", "sp ace", "ünï", too_long.as_str()] {
        let err = store
            .create(name, Protection::InsecurePlaintext)
            .unwrap_err();
        assert!(
            matches!(err, KeystoreError::InvalidName { .. }),
            "{name:?}: {err:?}"
        );
    }
    let longest = "Z".repeat(64);
    for name in ["a", "Device_01.v2-test", longest.as_str()] {
        store.create(name, Protection::InsecurePlaintext).unwrap();
    }
}

#[test]
fn insecure_key_loads_without_passphrase() {
    let (_tmp, store) = keystore();
    let info = store
        .create("devnet", Protection::InsecurePlaintext)
        .unwrap();
    assert!(!info.encrypted);
    let key = store.load("devnet", None).unwrap();
    assert_eq!(key.public_key(), info.public_key);
    let json = read_json(&store.path_of("devnet"));
    assert!(json.get("crypto").is_none());
    assert_eq!(json["insecure_plaintext"].as_str().unwrap().len(), 64);
}

#[test]
fn encrypted_key_without_passphrase_asks_for_one() {
    let (_tmp, store) = keystore();
    store.create("locked", pass("pw")).unwrap();
    let err = store.load("locked", None).unwrap_err();
    assert!(
        matches!(&err, KeystoreError::PassphraseRequired { name } if name == "locked"),
        "{err:?}"
    );
}

#[test]
fn empty_passphrase_is_refused_for_a_new_key() {
    let (_tmp, store) = keystore();
    let err = store.create("empty", pass("")).unwrap_err();
    assert!(matches!(err, KeystoreError::EmptyPassphrase), "{err:?}");
    assert!(!store.path_of("empty").exists());
}

#[test]
fn tampered_ciphertext_is_rejected() {
    let (_tmp, store) = keystore();
    store.create("t", pass("pw")).unwrap();
    let path = store.path_of("t");
    let mut json = read_json(&path);
    let ciphertext = json["crypto"]["ciphertext"].as_str().unwrap().to_owned();
    let flipped = if ciphertext.starts_with('0') {
        "1"
    } else {
        "0"
    };
    json["crypto"]["ciphertext"] = format!("{flipped}{}", &ciphertext[1..]).into();
    write_json(&path, &json);
    let err = store.load("t", Some("pw")).unwrap_err();
    assert!(
        matches!(err, KeystoreError::WrongPassphrase { .. }),
        "{err:?}"
    );

    json["crypto"]["ciphertext"] = ciphertext[2..].into();
    write_json(&path, &json);
    let err = store.load("t", Some("pw")).unwrap_err();
    assert!(matches!(err, KeystoreError::Corrupt { .. }), "{err:?}");
}

#[test]
fn ciphertext_moved_to_another_file_fails_to_decrypt() {
    let (_tmp, store) = keystore();
    store.create("a", pass("same")).unwrap();
    store.create("b", pass("same")).unwrap();
    let a = read_json(&store.path_of("a"));
    let mut b = read_json(&store.path_of("b"));
    b["crypto"] = a["crypto"].clone();
    write_json(&store.path_of("b"), &b);
    // Decryption itself must fail (associated data), before the public-key check could.
    let err = store.load("b", Some("same")).unwrap_err();
    assert!(
        matches!(err, KeystoreError::WrongPassphrase { .. }),
        "{err:?}"
    );
}

#[test]
fn key_whose_private_key_does_not_match_its_public_key_is_corrupt() {
    let (_tmp, store) = keystore();
    store.create("a", Protection::InsecurePlaintext).unwrap();
    store.create("b", Protection::InsecurePlaintext).unwrap();
    let a = read_json(&store.path_of("a"));
    let mut b = read_json(&store.path_of("b"));
    b["insecure_plaintext"] = a["insecure_plaintext"].clone();
    write_json(&store.path_of("b"), &b);
    let err = store.load("b", None).unwrap_err();
    assert!(matches!(err, KeystoreError::Corrupt { .. }), "{err:?}");
    assert!(
        err.to_string().contains("keystore file is corrupt"),
        "{err}"
    );
}

#[test]
fn renamed_key_file_is_reported_with_its_recorded_name() {
    let (_tmp, store) = keystore();
    store.create("original", pass("pw")).unwrap();
    fs::rename(store.path_of("original"), store.path_of("renamed")).unwrap();
    let err = store.load("renamed", Some("pw")).unwrap_err();
    assert!(
        matches!(&err, KeystoreError::Corrupt { detail, .. } if detail.contains("'original'")),
        "{err:?}"
    );
}

#[test]
fn list_is_sorted_and_shows_encryption() {
    let (_tmp, store) = keystore();
    store.create("zed", pass("pw")).unwrap();
    store
        .create("alpha", Protection::InsecurePlaintext)
        .unwrap();
    store.create("mid", pass("pw")).unwrap();
    let dir = store.path_of("x").parent().unwrap().to_owned();
    fs::write(dir.join("notes.txt"), b"not a key").unwrap();
    fs::write(dir.join(".alpha.json.tmp-00"), b"stray temp file").unwrap();

    let listed: Vec<(String, bool)> = store
        .list()
        .unwrap()
        .into_iter()
        .map(
            |KeyInfo {
                 name, encrypted, ..
             }| (name, encrypted),
        )
        .collect();
    assert_eq!(
        listed,
        vec![
            ("alpha".to_owned(), false),
            ("mid".to_owned(), true),
            ("zed".to_owned(), true),
        ]
    );
}

#[test]
fn missing_key_is_reported_with_the_keystore_dir() {
    let (_tmp, store) = keystore();
    let err = store.load("nobody", Some("pw")).unwrap_err();
    assert!(matches!(err, KeystoreError::NotFound { .. }), "{err:?}");
    let dir = store.path_of("x").parent().unwrap().display().to_string();
    assert!(err.to_string().contains(&dir), "{err}");
}

#[cfg(unix)]
#[test]
fn key_files_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested").join("keys");
    let store = Keystore::open(&dir).unwrap().with_kdf_params(fast_kdf());
    store.create("enc", pass("pw")).unwrap();
    store
        .create("plain", Protection::InsecurePlaintext)
        .unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&store.path_of("enc")), 0o600);
    assert_eq!(mode(&store.path_of("plain")), 0o600);
}

#[test]
fn file_with_unknown_version_is_rejected() {
    let (_tmp, store) = keystore();
    store.create("v", pass("pw")).unwrap();
    let path = store.path_of("v");
    let mut json = read_json(&path);
    json["version"] = 2.into();
    json["new_field_of_v2"] = "x".into();
    write_json(&path, &json);
    let err = store.load("v", Some("pw")).unwrap_err();
    assert!(
        matches!(err, KeystoreError::UnsupportedVersion { version: 2, .. }),
        "{err:?}"
    );
    assert!(matches!(
        store.info("v"),
        Err(KeystoreError::UnsupportedVersion { .. })
    ));
}

#[test]
fn file_with_unknown_fields_or_algorithms_is_corrupt() {
    let (_tmp, store) = keystore();
    store.create("f", pass("pw")).unwrap();
    let path = store.path_of("f");
    let original = read_json(&path);
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 5] = [
        ("unknown field", |j| j["extra"] = 1.into()),
        ("other kdf", |j| j["crypto"]["kdf"] = "scrypt".into()),
        ("other cipher", |j| j["crypto"]["cipher"] = "aes".into()),
        ("short salt", |j| {
            j["crypto"]["kdf_params"]["salt"] = "00".into()
        }),
        ("huge m_cost", |j| {
            j["crypto"]["kdf_params"]["m_cost_kib"] = u32::MAX.into()
        }),
    ];
    for (what, edit) in edits {
        let mut json = original.clone();
        edit(&mut json);
        write_json(&path, &json);
        let err = store.load("f", Some("pw")).unwrap_err();
        assert!(
            matches!(err, KeystoreError::Corrupt { .. }),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn written_file_matches_the_version_1_layout() {
    let (_tmp, store) = keystore();
    let info = store.create("layout", pass("pw")).unwrap();
    let json = read_json(&store.path_of("layout"));
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["crypto", "name", "public_key", "version"]);
    assert_eq!(json["version"], 1);
    assert_eq!(json["name"], "layout");
    assert_eq!(json["public_key"], info.address_hex);
    let crypto = &json["crypto"];
    assert_eq!(crypto["kdf"], "argon2id");
    assert_eq!(crypto["cipher"], "chacha20poly1305");
    assert_eq!(crypto["kdf_params"]["m_cost_kib"], 8);
    assert_eq!(crypto["kdf_params"]["t_cost"], 1);
    assert_eq!(crypto["kdf_params"]["p_cost"], 1);
    assert_eq!(crypto["kdf_params"]["salt"].as_str().unwrap().len(), 32);
    assert_eq!(crypto["nonce"].as_str().unwrap().len(), 24);
    assert_eq!(crypto["ciphertext"].as_str().unwrap().len(), 96);
}

#[test]
fn kdf_params_out_of_range_are_refused() {
    assert!(KdfParams::new(7, 1, 1).is_err());
    assert!(KdfParams::new(8, 0, 1).is_err());
    assert!(KdfParams::new(8, 1, 0).is_err());
    assert!(KdfParams::new(KdfParams::MAX_M_COST_KIB + 1, 1, 1).is_err());
    assert_eq!(KdfParams::default(), KdfParams::RECOMMENDED);
    assert_eq!(KdfParams::RECOMMENDED.m_cost_kib(), 64 * 1024);
}

#[test]
fn protection_debug_does_not_reveal_the_passphrase() {
    assert!(!format!("{:?}", pass("hunter2")).contains("hunter2"));
}

/// A fixed key for tests that need one not made by the keystore.
trait FromSeedForTest {
    fn from_seed_for_test() -> Self;
}

impl FromSeedForTest for PrivateKey {
    fn from_seed_for_test() -> Self {
        use commonware_codec::{Copying, DecodeExt};
        PrivateKey::decode(Copying(&[7u8; 32][..])).unwrap()
    }
}

/// Version-1 files written by this crate, checked in so a change to the format cannot go
/// unnoticed. `docs/spec/keystore.md` uses the same files as its test vector.
#[test]
fn version_1_fixture_files_still_load() {
    let (_tmp, store) = keystore();
    let fixtures = [
        ("fixture", include_str!("../fixtures/fixture.json"), true),
        (
            "fixture-insecure",
            include_str!("../fixtures/fixture-insecure.json"),
            false,
        ),
    ];
    for (name, contents, encrypted) in fixtures {
        fs::write(store.path_of(name), contents).unwrap();
        let info = store.info(name).unwrap();
        assert_eq!(info.encrypted, encrypted);
        assert_eq!(
            info.address_hex,
            "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c"
        );
        let key = store
            .load(name, Some("terrane fixture passphrase"))
            .unwrap();
        assert!(same_key(&key, &PrivateKey::from_seed_for_test()), "{name}");
    }
}
