//! TLS for `ascribe serve`: a certificate chain and its private key from
//! PEM files, served with rustls (the `ring` provider; TLS 1.2 and 1.3;
//! HTTP/1.1 only). The server sets no cookies; any it sets later must be
//! `Secure` when serving over TLS.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why the certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{}: {source} (expected the {what})", path.display())]
    Read {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    #[error("{}: expected one or more PEM \"CERTIFICATE\" blocks (the server certificate first, then its chain), found {found}", path.display())]
    NoCertificate { path: PathBuf, found: String },
    #[error("{}: expected a PEM private key (\"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\"), found {found}", path.display())]
    NoKey { path: PathBuf, found: String },
    #[error("{}: the private key does not belong to the certificate in {}", key.display(), cert.display())]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("{} with {}: {detail}", cert.display(), key.display())]
    Unusable {
        cert: PathBuf,
        key: PathBuf,
        detail: String,
    },
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        what,
        source,
    })
}

/// What a file holds, for error messages: its PEM block labels, or that it
/// holds none.
fn found(pem: &[u8]) -> String {
    let labels: Vec<&str> = pem
        .split(|b| *b == b'\n')
        .filter_map(|l| std::str::from_utf8(l).ok())
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .filter_map(|l| l.strip_suffix("-----"))
        .collect();
    if labels.is_empty() {
        "no PEM blocks".to_owned()
    } else {
        format!("{labels:?}")
    }
}

/// The rustls configuration for `cert` (PEM chain) and `key` (PEM key).
pub fn load_tls(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let cert_pem = read(cert, "PEM certificate chain of --tls-cert")?;
    let key_pem = read(key, "PEM private key of --tls-key")?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::NoCertificate {
            path: cert.to_owned(),
            found: format!("unreadable PEM ({e})"),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: cert.to_owned(),
            found: found(&cert_pem),
        });
    }
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsError::NoKey {
        path: key.to_owned(),
        found: match e {
            rustls_pki_types::pem::Error::NoItemsFound => found(&key_pem),
            other => format!("unreadable PEM ({other})"),
        },
    })?;
    // rustls 0.23.48 deprecates the ring provider because it has no
    // post-quantum key exchange; aws-lc-rs has one but needs a C build
    // (cmake/nasm on some targets) that this project does not require.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let unusable = |detail: String| TlsError::Unusable {
        cert: cert.to_owned(),
        key: key.to_owned(),
        detail,
    };
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| unusable(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
                TlsError::Mismatch {
                    cert: cert.to_owned(),
                    key: key.to_owned(),
                }
            }
            other => unusable(other.to_string()),
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        if let Err(e) = std::fs::write(&p, text) {
            panic!("{e}");
        }
        p
    }

    #[test]
    fn loads_a_pair_and_names_the_file_for_each_problem() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let d = dir.path();
        let a = rcgen::generate_simple_self_signed(vec!["localhost".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        let b = rcgen::generate_simple_self_signed(vec!["localhost".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        let cert = write(d, "cert.pem", &a.cert.pem());
        let key = write(d, "key.pem", &a.signing_key.serialize_pem());
        let other_key = write(d, "other.pem", &b.signing_key.serialize_pem());
        assert!(load_tls(&cert, &key).is_ok());

        let msg = |c: &Path, k: &Path| match load_tls(c, k) {
            Ok(_) => String::from("loaded"),
            Err(e) => e.to_string(),
        };
        let m = msg(&cert, &other_key);
        assert!(
            m.contains("other.pem: the private key does not belong to the certificate in"),
            "{m}"
        );
        let m = msg(&d.join("missing.pem"), &key);
        assert!(m.contains("missing.pem: No such file"), "{m}");
        assert!(
            m.contains("(expected the PEM certificate chain of --tls-cert)"),
            "{m}"
        );
        let m = msg(&key, &key);
        assert!(
            m.contains("key.pem: expected one or more PEM \"CERTIFICATE\" blocks"),
            "{m}"
        );
        assert!(m.contains("found [\"PRIVATE KEY\"]"), "{m}");
        let m = msg(&cert, &cert);
        assert!(m.contains("cert.pem: expected a PEM private key"), "{m}");
        assert!(m.contains("found [\"CERTIFICATE\"]"), "{m}");
        let empty = write(d, "empty.pem", "not pem at all\n");
        let m = msg(&cert, &empty);
        assert!(
            m.contains("empty.pem: expected a PEM private key") && m.contains("no PEM blocks"),
            "{m}"
        );
    }
}
