//! The difference between two sets of requesters, for the log line of an
//! archive folder change.

use std::fmt;

use zconnect_config::archive::RequesterSet;

/// Requester names added, changed and removed, each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequesterChanges {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl RequesterChanges {
    /// Compares the running requesters with new ones.
    pub fn between(old: &RequesterSet, new: &RequesterSet) -> Self {
        let mut changes = RequesterChanges::default();
        for requester in &new.requesters {
            match old.get(&requester.name) {
                None => changes.added.push(requester.name.clone()),
                Some(previous) if previous != requester => {
                    changes.changed.push(requester.name.clone());
                }
                Some(_) => {}
            }
        }
        for requester in &old.requesters {
            if new.get(&requester.name).is_none() {
                changes.removed.push(requester.name.clone());
            }
        }
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

impl fmt::Display for RequesterChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return write!(f, "no API requester changed");
        }
        let mut parts = Vec::new();
        for (label, names) in [
            ("added", &self.added),
            ("changed", &self.changed),
            ("removed", &self.removed),
        ] {
            if !names.is_empty() {
                parts.push(format!("{label} {}", names.join(", ")));
            }
        }
        write!(f, "{}", parts.join("; "))
    }
}
