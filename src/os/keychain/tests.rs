//! Unit tests for `keychain`: payloads, timeouts, and that the store is the real one.
use super::*;

const ID: &str = "00112233445566778899aabbccddeeff";

#[test]
fn the_payload_round_trips_and_names_its_vault() {
    let key = VaultKey::from_bytes([0xa5; 32]);
    let p = encode(ID, 1_795_392_000, &key).unwrap();
    assert_eq!(
        p.as_str(),
        format!("devvault-keychain-v1 {ID} 1795392000 {}", "a5".repeat(32))
    );
    let (at, back) = decode(ID, &p).unwrap();
    assert_eq!(at, 1_795_392_000);
    assert_eq!(back.expose_secret(), key.expose_secret());
    let upper = p.to_uppercase().replace("DEVVAULT-KEYCHAIN-V1", MAGIC);
    let upper = upper.replace(&ID.to_uppercase(), ID);
    assert_eq!(decode(ID, &upper).unwrap().1.expose_secret(), &[0xa5; 32]);
}

#[test]
fn foreign_or_malformed_payloads_are_errors() {
    let key = VaultKey::from_bytes([7; 32]);
    let other = encode("ffeeddccbbaa99887766554433221100", 0, &key).unwrap();
    let err = format!("{:#}", decode(ID, &other).unwrap_err());
    assert!(err.contains("another vault"), "{err}");
    let good = encode(ID, 5, &key).unwrap();
    for bad in [
        String::new(),
        "hunter2".to_string(),
        good.replace(MAGIC, "devvault-keychain-v9"),
        good.replace(" 5 ", " five "),
        good[..good.len() - 2].to_string(),
        format!("{}zz", &good[..good.len() - 2]),
        format!("{} extra", good.as_str()),
    ] {
        assert!(decode(ID, &bad).is_err(), "{bad:?} was accepted");
    }
    assert!(encode("not hex", 0, &key).is_err());
}

/// No mock stands in for the store on Linux: every call goes over D-Bus to the Secret
/// Service. With a bus, a real service answers OpenSession and lists its collections
/// (and the `default` alias the entries are created under); without one, the error
/// comes from the D-Bus connection.
#[cfg(target_os = "linux")]
#[test]
fn the_store_is_the_real_secret_service_not_a_mock() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap_or_default();
    let r = with_timeout("testing", || {
        let ss = platform::connect()?;
        let all = ss
            .get_all_collections()
            .map_err(|e| anyhow!("no collections: {e}"))?;
        ss.get_default_collection()
            .map_err(|e| anyhow!("no default collection: {e}"))?;
        Ok(all.len())
    });
    match r {
        Ok(n) => assert!(n > 0, "the Secret Service on {bus:?} has no collections"),
        Err(e) => {
            let e = format!("{e:#}");
            assert!(
                e.starts_with("cannot reach the Secret Service (D-Bus): "),
                "the Secret Service on {bus:?} did not answer as one: {e}"
            );
        }
    }
    assert_eq!(store_name(), "Secret Service (D-Bus)");
}

/// Elsewhere the `keyring` crate without a platform store falls back to an in-memory
/// mock; this build must use the native one.
#[cfg(not(target_os = "linux"))]
#[test]
fn the_store_is_the_native_one_not_a_mock() {
    if keyring::Entry::store_status().is_ok() {
        let store = keyring_core::get_default_store().expect("a default store is set");
        let vendor = store.vendor();
        assert!(
            !vendor.to_lowercase().contains("mock"),
            "the keychain store is {vendor:?}"
        );
    }
}

#[test]
fn a_call_that_hangs_is_given_up_after_the_timeout() {
    let start = std::time::Instant::now();
    let r: Result<()> = with_timeout("testing", || {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    });
    let err = format!("{:#}", r.unwrap_err());
    assert!(err.contains("did not answer within 2 s"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));
}
