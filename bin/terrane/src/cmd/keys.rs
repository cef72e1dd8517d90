//! `terrane keys`.

use crate::{cli::KeysCommand, resolve};
use anyhow::bail;
use terrane_keystore::Protection;

pub fn run(cmd: KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::New {
            name,
            insecure,
            store,
        } => {
            let ks = resolve::keystore(&store)?;
            let protection = if insecure {
                Protection::InsecurePlaintext
            } else {
                let first = resolve::passphrase(&format!("new passphrase for '{name}'"))?;
                if std::env::var("TERRANE_PASSPHRASE").is_err() {
                    let again = resolve::passphrase("repeat it")?;
                    if again != first {
                        bail!("the passphrases differ; nothing was written");
                    }
                }
                Protection::Passphrase(first)
            };
            let info = ks.create(&name, protection)?;
            println!("created {}  {}", info.name, info.address_hex);
            println!("stored in {}", info.path.display());
            if insecure {
                println!("warning: stored without encryption (devnet use only)");
            }
        }
        KeysCommand::List { store } => {
            let dir = resolve::keystore_dir(&store);
            let ks = resolve::keystore(&store)?;
            let keys = ks.list()?;
            if keys.is_empty() {
                println!("no keys in {}", dir.display());
            }
            for k in keys {
                let protection = if k.encrypted { "encrypted" } else { "INSECURE" };
                println!("{:<20} {}  {protection}", k.name, k.address_hex);
            }
        }
        KeysCommand::Show { name, store } => {
            let info = resolve::keystore(&store)?.info(&name)?;
            println!("name:      {}", info.name);
            println!("address:   {}", info.address_hex);
            println!("encrypted: {}", info.encrypted);
            println!("file:      {}", info.path.display());
        }
    }
    Ok(())
}
