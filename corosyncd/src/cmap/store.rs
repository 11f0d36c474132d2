//! The cmap key-value store, with change notifications for trackers.

use std::collections::BTreeMap;

use super::CmapValue;

/// A change to one key.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The key.
    pub key: String,
    /// The value before (none when added).
    pub old: Option<CmapValue>,
    /// The value after (none when deleted).
    pub new: Option<CmapValue>,
}

/// Keys no client may change or delete.
pub fn read_only(key: &str) -> bool {
    key.starts_with("runtime.") || key.starts_with("stats.") || key == "totem.nodeid"
}

/// The map.
#[derive(Debug, Clone, Default)]
pub struct CmapStore {
    map: BTreeMap<String, CmapValue>,
    changes: Vec<Change>,
}

impl CmapStore {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&CmapValue> {
        self.map.get(key)
    }

    /// Sets `key`, recording a change when the value differs.
    pub fn set(&mut self, key: &str, value: CmapValue) {
        let old = self.map.insert(key.to_string(), value.clone());
        if old.as_ref() != Some(&value) {
            self.changes.push(Change {
                key: key.to_string(),
                old,
                new: Some(value),
            });
        }
    }

    /// Deletes `key`; false when it did not exist.
    pub fn delete(&mut self, key: &str) -> bool {
        match self.map.remove(key) {
            Some(old) => {
                self.changes.push(Change {
                    key: key.to_string(),
                    old: Some(old),
                    new: None,
                });
                true
            }
            None => false,
        }
    }

    /// Deletes every key starting with `prefix`.
    pub fn delete_prefix(&mut self, prefix: &str) {
        let keys: Vec<String> = self.iter_prefix(prefix).map(|(k, _)| k.clone()).collect();
        for k in keys {
            self.delete(&k);
        }
    }

    /// Keys starting with `prefix`, in order.
    pub fn iter_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a CmapValue)> {
        self.map
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// The changes since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete_iterate_and_changes() {
        let mut s = CmapStore::default();
        s.set("totem.token", CmapValue::U32(3000));
        s.set("totem.join", CmapValue::U32(50));
        s.set(
            "quorum.provider",
            CmapValue::Str("corosync_votequorum".into()),
        );
        s.set("totem.token", CmapValue::U32(3000));
        assert_eq!(s.take_changes().len(), 3);
        let keys: Vec<&String> = s.iter_prefix("totem.").map(|(k, _)| k).collect();
        assert_eq!(keys, vec!["totem.join", "totem.token"]);
        assert!(s.delete("totem.join"));
        assert!(!s.delete("totem.join"));
        let c = s.take_changes();
        assert_eq!(c[0].new, None);
        assert!(read_only("runtime.votequorum.this_node_id"));
        assert!(!read_only("quorum.expected_votes"));
    }
}
