//! `ascribe users`: the TAXII server's users.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use ascribe_model::Tlp;
use ascribe_store::{Role, UserRecord};
use clap::Subcommand;

use crate::case::open_store;
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
}

pub(crate) fn run(cmd: UsersCommand, db: &Path) -> anyhow::Result<ExitCode> {
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
            let mut store = open_store(db)?;
            let now = ascribe_stix::time::format_timestamp(&time::OffsetDateTime::now_utc());
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
        UsersCommand::List => {
            let store = open_store(db)?;
            let mut out = std::io::stdout().lock();
            for (n, r, c) in store.users()? {
                writeln!(out, "{n}\t{}\t{}", r.as_str(), c.label())?;
            }
            Ok(exit::ok())
        }
    }
}
