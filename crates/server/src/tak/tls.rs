//! TLS for the TAK listener: rustls (ring provider) requiring a client certificate that chains
//! to the configured CA, and the certificate's subject CN, which names a Tansiq user.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::TakError;

fn read_error(path: &Path, error: impl std::fmt::Display) -> TakError {
    TakError::Read { path: path.to_path_buf(), message: error.to_string() }
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TakError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| read_error(path, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| read_error(path, e))?;
    if certs.is_empty() {
        return Err(read_error(path, "no certificate in the file"));
    }
    Ok(certs)
}

/// The acceptor for the TLS listener.
pub(crate) fn acceptor(cert: &Path, key: &Path, ca: &Path) -> Result<TlsAcceptor, TakError> {
    let chain = certificates(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| read_error(key, e))?;
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates(ca)? {
        roots.add(certificate).map_err(|e| read_error(ca, e))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| TakError::Tls(e.to_string()))?;
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TakError::Tls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| TakError::Tls(e.to_string()))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// One DER element: its tag, its contents and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, after) = rest.split_at_checked(n)?;
        rest = after;
        bytes.iter().fold(0usize, |len, &b| (len << 8) | usize::from(b))
    };
    let (contents, rest) = rest.split_at_checked(len)?;
    Some((tag, contents, rest))
}

/// The subject's common name (OID 2.5.4.3) of a DER X.509 certificate.
pub(crate) fn subject_cn(der: &[u8]) -> Option<String> {
    const VERSION: u8 = 0xa0;
    const CN: &[u8] = &[0x55, 0x04, 0x03];
    let (_, certificate, _) = element(der)?;
    let (_, tbs, _) = element(certificate)?;
    let (tag, _, mut rest) = element(tbs)?;
    if tag == VERSION {
        (_, _, rest) = element(rest)?; // the serial number
    }
    let (_, _, rest) = element(rest)?; // signature algorithm
    let (_, _, rest) = element(rest)?; // issuer
    let (_, _, rest) = element(rest)?; // validity
    let (_, mut sets, _) = element(rest)?; // subject
    while !sets.is_empty() {
        let (_, mut set, after) = element(sets)?;
        sets = after;
        while !set.is_empty() {
            let (_, pair, after) = element(set)?;
            set = after;
            let (_, oid, value) = element(pair)?;
            if oid == CN {
                let (_, text, _) = element(value)?;
                return String::from_utf8(text.to_vec()).ok();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_cn_is_read_not_the_issuers() {
        let ca_key = rcgen::KeyPair::generate().expect("key");
        let mut ca = rcgen::CertificateParams::new(Vec::new()).expect("ca params");
        ca.distinguished_name.push(rcgen::DnType::CommonName, "Tansiq test CA");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).expect("ca");
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::new()).expect("params");
        params.distinguished_name.push(rcgen::DnType::OrganizationName, "CGW");
        params.distinguished_name.push(rcgen::DnType::CommonName, "cgw.watch");
        let cert = params.signed_by(&key, &issuer).expect("cert");
        assert_eq!(subject_cn(cert.der()).as_deref(), Some("cgw.watch"));
        assert_eq!(subject_cn(ca_cert.der()).as_deref(), Some("Tansiq test CA"));
        assert_eq!(subject_cn(&cert.der()[..40]), None, "truncated");
        assert_eq!(subject_cn(&[]), None);
        assert_eq!(subject_cn(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    }
}
