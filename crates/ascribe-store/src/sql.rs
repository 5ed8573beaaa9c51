//! The store's SQL vocabulary, the same for every backend: parameter values,
//! column values, and the one place where placeholders are rendered.
//!
//! Statements are written once, with numbered PostgreSQL-style placeholders
//! (`$1`, `$2`, ...), each bound by its number, never by where it appears.
//! [`render`] turns them into what a backend's engine reads (SQLite: `?1`).
//! Dynamic statements number their placeholders through [`Params`].

use crate::{Result, StoreError};

/// The SQL dialect of a backend: how placeholders are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `?N`.
    Sqlite,
    /// `$N`, as written. For the PostgreSQL backend to come.
    #[allow(dead_code)]
    Postgres,
}

/// `sql` with its `$N` placeholders written for `dialect`. Text inside
/// single quotes, double quotes and comments is left alone.
pub(crate) fn render(dialect: Dialect, sql: &str) -> String {
    if dialect == Dialect::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    let mut line_comment = false;
    while let Some((_, c)) = chars.next() {
        if line_comment {
            line_comment = c != '\n';
            out.push(c);
            continue;
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '-' if chars.peek().is_some_and(|(_, n)| *n == '-') => {
                    line_comment = true;
                    out.push(c);
                }
                '$' if chars.peek().is_some_and(|(_, n)| n.is_ascii_digit()) => out.push('?'),
                _ => out.push(c),
            },
        }
    }
    out
}

/// A parameter as the engine binds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

/// A value that can be bound to a placeholder.
pub(crate) trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for String {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for i64 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}
impl ToParam for f64 {
    fn to_param(&self) -> Param<'_> {
        Param::Real(*self)
    }
}
impl ToParam for bool {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}
impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Param<'_> {
        match self {
            None => Param::Null,
            Some(v) => v.to_param(),
        }
    }
}

/// An owned parameter, for statements built at run time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
}

impl ToParam for Value {
    fn to_param(&self) -> Param<'_> {
        match self {
            Value::Int(v) => Param::Int(*v),
            Value::Text(s) => Param::Text(s),
        }
    }
}

/// The parameters of a statement built at run time; each [`Params::push`]
/// returns the placeholder that binds it.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: Vec<Value>,
}

impl Params {
    pub(crate) fn push(&mut self, v: Value) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }

    /// `col IN ($i, $j, ...)` over `vals`.
    pub(crate) fn in_list(&mut self, col: &str, vals: &[String]) -> String {
        let marks: Vec<String> = vals
            .iter()
            .map(|v| self.push(Value::Text(v.clone())))
            .collect();
        format!("{col} IN ({})", marks.join(", "))
    }

    pub(crate) fn refs(&self) -> Vec<&dyn ToParam> {
        self.values.iter().map(|v| v as &dyn ToParam).collect()
    }
}

/// A column value as read from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob,
}

impl Cell<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Int(_) => "an integer",
            Cell::Real(_) => "a float",
            Cell::Text(_) => "text",
            Cell::Blob => "a blob",
        }
    }
}

/// A Rust value read from a column.
pub(crate) trait FromCell: Sized {
    const WANT: &'static str;
    fn from_cell(c: Cell<'_>) -> Option<Self>;
}

/// `impl FromCell for $t`: the cells the arms read, `$want` in the error
/// for any other.
macro_rules! from_cell {
    ($t:ty, $want:literal, $($cell:pat => $value:expr),+ $(,)?) => {
        impl FromCell for $t {
            const WANT: &'static str = $want;
            fn from_cell(c: Cell<'_>) -> Option<Self> {
                match c {
                    $($cell => Some($value),)+
                    _ => None,
                }
            }
        }
    };
}

from_cell!(String, "text", Cell::Text(s) => s.to_owned());
from_cell!(i64, "an integer", Cell::Int(v) => v);
// A float column may hold an integral value as an integer.
from_cell!(f64, "a number", Cell::Real(v) => v, Cell::Int(v) => v as f64);
from_cell!(bool, "0 or 1", Cell::Int(0) => false, Cell::Int(1) => true);

impl<T: FromCell> FromCell for Option<T> {
    const WANT: &'static str = T::WANT;
    fn from_cell(c: Cell<'_>) -> Option<Self> {
        match c {
            Cell::Null => Some(None),
            c => T::from_cell(c).map(Some),
        }
    }
}

/// The error for a column that does not hold what the schema says.
pub(crate) fn bad_cell<T: FromCell>(column: usize, c: Cell<'_>) -> StoreError {
    StoreError::Corrupt {
        what: format!("column {column}"),
        detail: format!("expected {}, found {}", T::WANT, c.kind()),
    }
}

/// A count or size that the schema stores as BIGINT.
pub(crate) fn big(n: impl TryInto<i64>, what: &str) -> Result<i64> {
    n.try_into().map_err(|_| StoreError::Corrupt {
        what: what.to_owned(),
        detail: "larger than a BIGINT holds".to_owned(),
    })
}

/// A stored BIGINT that must be a count or size.
pub(crate) fn unsigned<T: TryFrom<i64>>(n: i64, what: &str) -> Result<T> {
    T::try_from(n).map_err(|_| StoreError::Corrupt {
        what: what.to_owned(),
        detail: format!("{n} is not a count"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_sqlite_outside_quotes_and_comments() {
        let sql = "SELECT '$1', \"$2\" FROM t -- $3\nWHERE a = $10 AND b = $2 AND c = 'x$'";
        assert_eq!(
            render(Dialect::Sqlite, sql),
            "SELECT '$1', \"$2\" FROM t -- $3\nWHERE a = ?10 AND b = ?2 AND c = 'x$'"
        );
        assert_eq!(render(Dialect::Postgres, sql), sql);
    }

    #[test]
    fn dynamic_parameters_number_themselves() {
        let mut p = Params::default();
        assert_eq!(p.push(Value::Int(1)), "$1");
        assert_eq!(p.in_list("id", &["a".into(), "b".into()]), "id IN ($2, $3)");
        assert_eq!(p.refs().len(), 3);
    }
}
