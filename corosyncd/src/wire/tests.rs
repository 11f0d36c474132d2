use super::*;

const KEY: [u8; 256] = [42; 256];

fn all_modes() -> Vec<(Cipher, Hash)> {
    vec![
        (Cipher::None, Hash::None),
        (Cipher::Aes256, Hash::Sha256),
        (Cipher::Aes128, Hash::Sha1),
        (Cipher::Aes192, Hash::Sha512),
        (Cipher::None, Hash::Sha256),
        (Cipher::None, Hash::Sha384),
        (Cipher::None, Hash::Sha512),
    ]
}

#[test]
fn seal_open_round_trip_in_every_mode() {
    for (c, h) in all_modes() {
        let mut a = Codec::new(c, h, &KEY, 1, 77);
        let b = Codec::new(c, h, &KEY, 2, 88);
        let pkt = a.seal(b"hello totem");
        let (p, id) = b.open(&pkt).unwrap();
        assert_eq!(
            p,
            Packet {
                sender: 1,
                body: b"hello totem".to_vec()
            }
        );
        assert_eq!((id.boot, id.counter), (77, 1));
        if c != Cipher::None {
            assert!(
                !pkt.windows(5).any(|w| w == b"hello"),
                "{c:?} leaks plaintext"
            );
        }
    }
}

#[test]
fn wrong_key_tampering_and_mode_mismatch_are_refused() {
    let mut a = Codec::new(Cipher::Aes256, Hash::Sha256, &KEY, 1, 1);
    let other = Codec::new(Cipher::Aes256, Hash::Sha256, &[43; 256], 2, 1);
    let pkt = a.seal(b"x");
    assert_eq!(other.open(&pkt).unwrap_err(), PacketError::Auth);
    let me = Codec::new(Cipher::Aes256, Hash::Sha256, &KEY, 2, 1);
    for i in 0..pkt.len() {
        let mut bad = pkt.clone();
        bad[i] ^= 0x10;
        assert!(me.open(&bad).is_err(), "flip at {i} accepted");
    }
    let clear = Codec::new(Cipher::None, Hash::None, &KEY, 2, 1);
    assert_eq!(clear.open(&pkt).unwrap_err(), PacketError::Mode);
    let mut hm = Codec::new(Cipher::None, Hash::Sha256, &KEY, 1, 1);
    let hm_other = Codec::new(Cipher::None, Hash::Sha256, &[1; 256], 2, 1);
    assert_eq!(
        hm_other.open(&hm.seal(b"y")).unwrap_err(),
        PacketError::Auth
    );
    // Same key, other cipher: different derived key.
    let mut a128 = Codec::new(Cipher::Aes128, Hash::Sha256, &KEY, 1, 1);
    let b256 = Codec::new(Cipher::Aes256, Hash::Sha256, &KEY, 2, 1);
    assert_eq!(b256.open(&a128.seal(b"z")).unwrap_err(), PacketError::Auth);
}

#[test]
fn malformed_headers() {
    let me = Codec::new(Cipher::None, Hash::None, &KEY, 2, 1);
    assert_eq!(me.open(&[0; 5]).unwrap_err(), PacketError::Length);
    assert_eq!(me.open(&[0; 30]).unwrap_err(), PacketError::Magic);
    let mut a = Codec::new(Cipher::None, Hash::None, &KEY, 1, 1);
    let mut p = a.seal(b"q");
    p[2] = 9;
    assert_eq!(me.open(&p).unwrap_err(), PacketError::Version);
    assert_eq!(
        me.open(&vec![0; MAX_PACKET + 1]).unwrap_err(),
        PacketError::Length
    );
}

#[test]
fn replays_are_dropped_and_restarts_accepted() {
    let mut g = ReplayGuard::default();
    let id = |boot, counter| PacketId {
        sender: 3,
        boot,
        counter,
    };
    assert!(g.accept(id(1, 1)));
    assert!(!g.accept(id(1, 1)));
    assert!(g.accept(id(1, 3)));
    assert!(g.accept(id(1, 2)), "reordered within the window");
    assert!(!g.accept(id(1, 2)));
    assert!(g.accept(id(1, 5000)));
    assert!(!g.accept(id(1, 3)), "far behind the window");
    assert!(g.accept(id(2, 1)), "restart with a new boot id");
    assert!(!g.accept(id(2, 1)));
    assert!(g.accept(PacketId {
        sender: 4,
        boot: 2,
        counter: 1
    }));
}

proptest::proptest! {
    #[test]
    fn open_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        for (c, h) in all_modes() {
            let me = Codec::new(c, h, &KEY, 2, 1);
            let _ = me.open(&bytes);
        }
    }

    #[test]
    fn replay_guard_accepts_each_counter_once(counters in proptest::collection::vec(1u64..3000, 1..200)) {
        let mut g = ReplayGuard::default();
        let mut seen = std::collections::HashSet::new();
        for c in counters {
            let ok = g.accept(PacketId { sender: 1, boot: 9, counter: c });
            if ok {
                proptest::prop_assert!(seen.insert(c), "counter {} accepted twice", c);
            }
        }
    }
}
