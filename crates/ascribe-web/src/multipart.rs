//! Just enough of `multipart/form-data` (RFC 7578) for the import form: the
//! parts' names, file names and bytes. Bounded by the caller's body limit.

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    /// The file name a file input sent (without any directory).
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The parts of `body`, or why it is not a form.
pub(crate) fn parts(body: &[u8], boundary: &str) -> Result<Vec<Part>, &'static str> {
    const BAD: &str = "the form's body is not well-formed multipart/form-data";
    let delim = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let mut at = find(body, delim.as_bytes(), 0).ok_or(BAD)? + delim.len();
    let mut out = Vec::new();
    loop {
        let rest = body.get(at..).ok_or(BAD)?;
        if rest.starts_with(b"--") {
            return Ok(out);
        }
        if !rest.starts_with(b"\r\n") {
            return Err(BAD);
        }
        let head_start = at + 2;
        let head_end = find(body, b"\r\n\r\n", head_start).ok_or(BAD)?;
        let head = std::str::from_utf8(&body[head_start..head_end]).map_err(|_| BAD)?;
        let data_start = head_end + 4;
        let data_end = find(body, next.as_bytes(), data_start).ok_or(BAD)?;
        let (name, filename) = disposition(head).ok_or(BAD)?;
        out.push(Part {
            name,
            filename,
            data: body[data_start..data_end].to_vec(),
        });
        at = data_end + next.len();
    }
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data`.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find(|l| {
        l.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut filename = None;
    for p in value.split(';').skip(1) {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_owned();
        match k.trim() {
            "name" => name = Some(v),
            "filename" => {
                filename = v.rsplit(['/', '\\']).next().map(str::to_owned);
            }
            _ => {}
        }
    }
    Some((name?, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_form_splits_into_its_parts() {
        let ct = "multipart/form-data; boundary=----x1";
        let b = boundary(ct).expect("a boundary");
        assert_eq!(b, "----x1");
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        let body = "------x1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
            ------x1\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"C:\\\\dir\\\\a.toml\"\r\n\
            Content-Type: application/toml\r\n\r\n[incident]\r\nid = \"x\"\r\n------x1--\r\n";
        let p = parts(body.as_bytes(), &b).expect("a form");
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].name.as_str(), p[0].data.as_slice()),
            ("csrf", &b"tok"[..])
        );
        assert_eq!(p[1].filename.as_deref(), Some("a.toml"));
        assert_eq!(p[1].data, b"[incident]\r\nid = \"x\"");
        assert!(parts(b"garbage", &b).is_err());
        assert!(parts(b"------x1\r\nno end", &b).is_err());
    }
}
