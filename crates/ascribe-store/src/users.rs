//! Users of the TAXII server: role, clearance, Argon2id password hash, and
//! per-collection rights. Hashing is the caller's job; the store keeps the
//! PHC string only.

use ascribe_model::Tlp;

use crate::{ReadUnit, Result, Store, StoreError, UnitOfWork};

/// What a user may do by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads every collection.
    Reader,
    /// Reads and writes every collection.
    Analyst,
    /// As analyst; also sees every add-objects status.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reader" => Some(Role::Reader),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    /// (read, write) on a collection without an explicit right.
    pub fn default_rights(self) -> (bool, bool) {
        match self {
            Role::Reader => (true, false),
            Role::Analyst | Role::Admin => (true, true),
        }
    }
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub name: String,
    pub role: Role,
    pub clearance: Tlp,
    pub password_hash: String,
}

/// The outcome of [`Store::change_collection_rights`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RightsChange {
    /// Set on the collection with this id.
    Set {
        collection_id: String,
    },
    NoSuchUser,
    NoSuchCollection,
}

pub(crate) fn tlp_rank(t: Tlp) -> i64 {
    Tlp::ALL
        .iter()
        .position(|x| *x == t)
        .map_or(4, |p| p as i64)
}

/// A rank no writer stores reads as TLP:RED, the strictest: a marking the
/// store cannot name is never shown more widely.
pub(crate) fn tlp_of_rank(r: i64) -> Tlp {
    usize::try_from(r)
        .ok()
        .and_then(|i| Tlp::ALL.get(i).copied())
        .unwrap_or(Tlp::Red)
}

impl Store {
    /// Adds a user; fails with [`StoreError::UserExists`] if the name is taken.
    pub fn add_user(&mut self, u: &UserRecord, created_at: &str) -> Result<()> {
        self.unit_of_work(|w| w.add_user(u, created_at))
    }

    /// Replaces a user's role, clearance and password hash.
    pub fn update_user(&mut self, u: &UserRecord) -> Result<bool> {
        self.unit_of_work(|w| w.update_user(u))
    }

    /// The user called `name`.
    pub fn user(&self, name: &str) -> Result<Option<UserRecord>> {
        self.read(|r| r.user(name))
    }

    /// Every user's name, role and clearance (no hashes).
    pub fn users(&self) -> Result<Vec<(String, Role, Tlp)>> {
        self.read(|r| r.users())
    }

    /// Sets a user's explicit rights on a collection (by id), replacing any
    /// earlier explicit rights, in one transaction.
    pub fn set_collection_right(
        &mut self,
        user: &str,
        collection_id: &str,
        read: bool,
        write: bool,
    ) -> Result<()> {
        self.unit_of_work(|w| w.set_collection_right(user, collection_id, read, write))
    }

    /// Sets `user`'s rights on the collection with this id or alias to
    /// exactly `read` and `write`, overriding the role's default (both false:
    /// the collection is hidden from the user as if it did not exist).
    pub fn change_collection_rights(
        &mut self,
        user: &str,
        collection: &str,
        read: bool,
        write: bool,
    ) -> Result<RightsChange> {
        self.unit_of_work(|w| w.change_collection_rights(user, collection, read, write))
    }

    /// A user's (read, write) rights on a collection: the explicit row, else the role's default.
    pub fn collection_rights(
        &self,
        user: &UserRecord,
        collection_id: &str,
    ) -> Result<(bool, bool)> {
        self.read(|r| r.collection_rights(user, collection_id))
    }
}

impl UnitOfWork<'_> {
    /// Adds a user; fails with [`StoreError::UserExists`] if the name is taken.
    pub fn add_user(&self, u: &UserRecord, created_at: &str) -> Result<()> {
        // One statement decides, so of two writers adding one name at once
        // (PostgreSQL runs them side by side) the second is told it exists.
        let added = self.execute(
            "INSERT INTO users (name, role, clearance, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO NOTHING",
            &[&u.name, &u.role.as_str(), &tlp_rank(u.clearance), &u.password_hash, &created_at],
        )?;
        if added == 0 {
            return Err(StoreError::UserExists(u.name.clone()));
        }
        Ok(())
    }

    /// Replaces a user's role, clearance and password hash.
    pub fn update_user(&self, u: &UserRecord) -> Result<bool> {
        let n = self.execute(
            "UPDATE users SET role = $2, clearance = $3, password_hash = $4 WHERE name = $1",
            &[
                &u.name,
                &u.role.as_str(),
                &tlp_rank(u.clearance),
                &u.password_hash,
            ],
        )?;
        Ok(n > 0)
    }

    /// Sets a user's explicit rights on a collection (by id), replacing any
    /// earlier explicit rights.
    pub fn set_collection_right(
        &self,
        user: &str,
        collection_id: &str,
        read: bool,
        write: bool,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO collection_rights (user_name, collection_id, can_read, can_write) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_name, collection_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write",
            &[&user, &collection_id, &read, &write],
        )?;
        Ok(())
    }

    /// See [`Store::change_collection_rights`].
    pub fn change_collection_rights(
        &self,
        user: &str,
        collection: &str,
        read: bool,
        write: bool,
    ) -> Result<RightsChange> {
        if self.user(user)?.is_none() {
            return Ok(RightsChange::NoSuchUser);
        }
        let Some(c) = self.stix_collection(collection)? else {
            return Ok(RightsChange::NoSuchCollection);
        };
        self.set_collection_right(user, &c.id, read, write)?;
        Ok(RightsChange::Set {
            collection_id: c.id,
        })
    }
}

impl ReadUnit<'_> {
    /// The user called `name`.
    pub fn user(&self, name: &str) -> Result<Option<UserRecord>> {
        let row = self.query_opt(
            "SELECT name, role, clearance, password_hash FROM users WHERE name = $1",
            &[&name],
            |r| {
                Ok((
                    r.get::<String>(0)?,
                    r.get::<String>(1)?,
                    r.get::<i64>(2)?,
                    r.get::<String>(3)?,
                ))
            },
        )?;
        let Some((name, role, clearance, password_hash)) = row else {
            return Ok(None);
        };
        let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
            what: format!("user {name}"),
            detail: format!("unknown role {role:?}"),
        })?;
        Ok(Some(UserRecord {
            name,
            role,
            clearance: tlp_of_rank(clearance),
            password_hash,
        }))
    }

    /// Every user's name, role and clearance (no hashes).
    pub fn users(&self) -> Result<Vec<(String, Role, Tlp)>> {
        self.query(
            "SELECT name, role, clearance FROM users ORDER BY name",
            &[],
            |r| {
                let name: String = r.get(0)?;
                let role: String = r.get(1)?;
                let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
                    what: format!("user {name}"),
                    detail: format!("unknown role {role:?}"),
                })?;
                Ok((name, role, tlp_of_rank(r.get(2)?)))
            },
        )
    }

    /// A user's (read, write) rights on a collection: the explicit row, else the role's default.
    pub fn collection_rights(
        &self,
        user: &UserRecord,
        collection_id: &str,
    ) -> Result<(bool, bool)> {
        let row = self.query_opt(
            "SELECT can_read, can_write FROM collection_rights WHERE user_name = $1 AND collection_id = $2",
            &[&user.name, &collection_id],
            |r| Ok((r.get::<bool>(0)?, r.get::<bool>(1)?)),
        )?;
        Ok(row.unwrap_or_else(|| user.role.default_rights()))
    }
}

/// A signed-in web session as kept ([migration 0015]): whose it is, its
/// CSRF token and when it was last used, in seconds since 1970 (UTC). The
/// session's token is the key, kept only as its SHA-256 (the caller hashes).
///
/// [migration 0015]: ../migrations/0015_web_sessions.sql
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub user: String,
    pub csrf: String,
    pub last_used: i64,
}

impl UnitOfWork<'_> {
    /// Keeps a session under its token's hash (replacing one kept there).
    pub fn save_web_session(&self, token_hash: &str, s: &WebSession) -> Result<()> {
        self.execute(
            "INSERT INTO web_sessions (token_hash, user_name, csrf, last_used) VALUES ($1, $2, $3, $4)
             ON CONFLICT (token_hash) DO UPDATE SET user_name = excluded.user_name,
                 csrf = excluded.csrf, last_used = excluded.last_used",
            &[&token_hash, &s.user, &s.csrf, &s.last_used],
        )?;
        Ok(())
    }

    /// Marks a kept session used at `now`; false when it is no longer kept
    /// (signed out, or ended elsewhere).
    pub fn touch_web_session(&self, token_hash: &str, now: i64) -> Result<bool> {
        let n = self.execute(
            "UPDATE web_sessions SET last_used = $2 WHERE token_hash = $1",
            &[&token_hash, &now],
        )?;
        Ok(n > 0)
    }

    /// Forgets a session (sign-out).
    pub fn delete_web_session(&self, token_hash: &str) -> Result<()> {
        self.execute(
            "DELETE FROM web_sessions WHERE token_hash = $1",
            &[&token_hash],
        )?;
        Ok(())
    }

    /// Forgets the sessions last used before `cutoff`; how many.
    pub fn delete_web_sessions_before(&self, cutoff: i64) -> Result<usize> {
        self.execute("DELETE FROM web_sessions WHERE last_used < $1", &[&cutoff])
    }
}

impl ReadUnit<'_> {
    /// The session kept under a token's hash, if any.
    pub fn web_session(&self, token_hash: &str) -> Result<Option<WebSession>> {
        self.query_opt(
            "SELECT user_name, csrf, last_used FROM web_sessions WHERE token_hash = $1",
            &[&token_hash],
            |r| {
                Ok(WebSession {
                    user: r.get(0)?,
                    csrf: r.get(1)?,
                    last_used: r.get(2)?,
                })
            },
        )
    }
}
