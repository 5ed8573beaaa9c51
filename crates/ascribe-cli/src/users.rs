//! `ascribe users`: the TAXII server's users.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_model::Tlp;
use ascribe_store::{RightsChange, Role, UserRecord};
use clap::Subcommand;

use crate::db::Db;
use crate::exit;

#[derive(Debug, Subcommand)]
pub(crate) enum UsersCommand {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        name: String,
        /// reader (read all collections), analyst (read and write), admin (as analyst, and all statuses).
        #[arg(long, value_parser = ["reader", "analyst", "admin"])]
        role: String,
        /// Highest TLP the user may see: clear, green, amber, amber+strict, red.
        #[arg(long, value_parser = |s: &str| s.parse::<Tlp>().map_err(|e| e.to_string()))]
        clearance: Tlp,
        /// Read the password from standard input (required: no passwords on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users with their role and clearance.
    List,
    /// Set a user's rights on one collection (id or alias) to exactly
    /// RIGHTS, overriding the role's default there.
    Grant {
        user: String,
        collection: String,
        /// read, write, or read,write.
        #[arg(value_parser = parse_rights)]
        rights: Rights,
    },
    /// Take every right on one collection (id or alias) from a user: the
    /// collection is then hidden from them as if it did not exist.
    Revoke { user: String, collection: String },
}

/// Rights on a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rights {
    read: bool,
    write: bool,
}

fn parse_rights(s: &str) -> Result<Rights, String> {
    let mut r = Rights {
        read: false,
        write: false,
    };
    for part in s.split(',') {
        match part.trim().to_ascii_lowercase().as_str() {
            "read" => r.read = true,
            "write" => r.write = true,
            other => return Err(format!("{other:?}: expected read, write or read,write")),
        }
    }
    Ok(r)
}

fn describe(read: bool, write: bool) -> &'static str {
    match (read, write) {
        (true, true) => "read and write",
        (true, false) => "read only",
        (false, true) => "write only",
        (false, false) => "no rights (hidden)",
    }
}

fn change(
    db: &Db,
    user: &str,
    collection: &str,
    read: bool,
    write: bool,
) -> anyhow::Result<ExitCode> {
    let mut store = db.open()?;
    match store.change_collection_rights(user, collection, read, write)? {
        RightsChange::Set { collection_id } => {
            eprintln!(
                "user {user} on collection {collection} ({collection_id}): {}",
                describe(read, write)
            );
            Ok(exit::ok())
        }
        RightsChange::NoSuchUser => {
            bail!("user {user:?}: no such user (see `ascribe users list`)")
        }
        RightsChange::NoSuchCollection => {
            bail!("collection {collection:?}: no collection with this id or alias")
        }
    }
}

pub(crate) fn run(cmd: UsersCommand, db: &Db) -> anyhow::Result<ExitCode> {
    match cmd {
        UsersCommand::Add {
            name,
            role,
            clearance,
            password_stdin: _,
        } => {
            if name.is_empty() || name.contains(':') || name.chars().any(char::is_control) {
                bail!("user name {name:?}: expected a non-empty name without ':' or control characters");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            let password = line.trim_end_matches(['\r', '\n']);
            if password.len() < 8 {
                bail!("password on standard input: expected at least 8 characters");
            }
            let hash = ascribe_server::auth::hash_password(password).map_err(anyhow::Error::msg)?;
            let role = Role::parse(&role).context("role: expected reader, analyst or admin")?;
            let mut store = db.open()?;
            let now = ascribe_stix::time::format_timestamp(&db.clock().now());
            store.add_user(
                &UserRecord {
                    name: name.clone(),
                    role,
                    clearance,
                    password_hash: hash,
                },
                &now,
            )?;
            eprintln!(
                "added user {name} ({}, clearance {})",
                role.as_str(),
                clearance.label()
            );
            Ok(exit::ok())
        }
        UsersCommand::Grant {
            user,
            collection,
            rights,
        } => change(db, &user, &collection, rights.read, rights.write),
        UsersCommand::Revoke { user, collection } => change(db, &user, &collection, false, false),
        UsersCommand::List => {
            let store = db.open()?;
            let mut out = std::io::stdout().lock();
            for (n, r, c) in store.users()? {
                writeln!(out, "{n}\t{}\t{}", r.as_str(), c.label())?;
            }
            Ok(exit::ok())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_parse() {
        let r = |read, write| Ok(Rights { read, write });
        assert_eq!(parse_rights("read"), r(true, false));
        assert_eq!(parse_rights("write"), r(false, true));
        assert_eq!(parse_rights("read,write"), r(true, true));
        assert_eq!(parse_rights("Write, Read"), r(true, true));
        assert!(parse_rights("admin")
            .is_err_and(|e| e.contains("\"admin\": expected read, write or read,write")));
        assert!(parse_rights("").is_err());
    }
}
