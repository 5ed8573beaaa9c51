//! A minimal RFC 4180 field splitter for one record on one line (quoted fields with
//! doubled quotes; no embedded line breaks, which indicator and firewall files do not use).

/// Splits one CSV line into fields; `None` when a quote is left open.
pub fn split(line: &str, delim: u8) -> Option<Vec<String>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let mut field = Vec::new();
        if b.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match b.get(i) {
                    None => return None,
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        field.push(c);
                        i += 1;
                    }
                }
            }
            // Anything between the closing quote and the delimiter is kept, as lenient readers do.
            while let Some(&c) = b.get(i) {
                if c == delim {
                    break;
                }
                field.push(c);
                i += 1;
            }
        } else {
            while let Some(&c) = b.get(i) {
                if c == delim {
                    break;
                }
                field.push(c);
                i += 1;
            }
        }
        out.push(String::from_utf8_lossy(&field).into_owned());
        if b.get(i) == Some(&delim) {
            i += 1;
            continue;
        }
        return Some(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split(r#"a,"b,c","d""e",,f"#, b','),
            Some(vec![
                "a".into(),
                "b,c".into(),
                "d\"e".into(),
                String::new(),
                "f".into()
            ])
        );
        assert_eq!(split("\"open", b','), None);
        assert_eq!(split("", b','), Some(vec![String::new()]));
    }
}
