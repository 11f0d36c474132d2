//! `corosync-keygen`: writes a new random authkey, mode 0400.

use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Default key file.
pub const DEFAULT_KEYFILE: &str = "/etc/corosync/authkey";

/// Writes `size` random bytes from `random` to `path`; returns the exit code.
pub fn run(path: &Path, size: usize, random: &Path) -> u8 {
    if !(128..=4096).contains(&size) {
        eprintln!("corosync-keygen: Unsupported key size (supported <128,4096>)");
        return 1;
    }
    println!("Corosync Cluster Engine Authentication key generator.");
    println!(
        "Gathering {} bits for key from {}.",
        size * 8,
        random.display()
    );
    let mut key = vec![0u8; size];
    if let Err(e) = std::fs::File::open(random).and_then(|mut f| f.read_exact(&mut key)) {
        eprintln!("corosync-keygen: Could not read {}: {e}", random.display());
        return 2;
    }
    let _ = std::fs::remove_file(path);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "corosync-keygen: Could not create {}: {}",
                path.display(),
                os_msg(&e)
            );
            return 2;
        }
    };
    if let Err(e) = file.write_all(&key).and_then(|()| file.sync_all()) {
        eprintln!(
            "corosync-keygen: Could not write to {}: {}",
            path.display(),
            os_msg(&e)
        );
        return 2;
    }
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o400)) {
        eprintln!(
            "corosync-keygen: Could not set permissions of {}: {}",
            path.display(),
            os_msg(&e)
        );
        return 2;
    }
    println!("Writing corosync key to {}.", path.display());
    0
}

fn os_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_private_key_and_refuses_bad_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("authkey");
        assert_eq!(run(&p, 256, Path::new("/dev/urandom")), 0);
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o400);
        assert_eq!(meta.len(), 256);
        // Overwriting works even though the old key is read-only.
        assert_eq!(run(&p, 1024, Path::new("/dev/urandom")), 0);
        assert_eq!(std::fs::metadata(&p).unwrap().len(), 1024);
        assert_eq!(run(&p, 10, Path::new("/dev/urandom")), 1);
        assert_eq!(run(&p, 5000, Path::new("/dev/urandom")), 1);
        assert_eq!(
            run(
                &dir.path().join("no/such/dir"),
                256,
                Path::new("/dev/urandom")
            ),
            2
        );
    }
}
