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

#[cfg(test)]
mod tests {
    use zconnect_config::archive::{Requester, RequesterOrigin, RequesterSettings};
    use zconnect_config::model::RequesterDefaults;
    use zconnect_config::Location;

    use super::*;

    fn requester(name: &str, connection: &str) -> Requester {
        Requester {
            name: name.to_owned(),
            version: None,
            title: None,
            description: None,
            connection: Some(connection.to_owned()),
            base_path: String::new(),
            operations: None,
            origin: RequesterOrigin::ServerXml {
                location: Location {
                    file: "server.xml".into(),
                    line: 1,
                    column: 1,
                },
            },
            settings: RequesterSettings::from_defaults(&RequesterDefaults::default()),
        }
    }

    fn set(requesters: Vec<Requester>) -> RequesterSet {
        RequesterSet {
            requesters,
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn changes_list_added_changed_removed() {
        let old = set(vec![requester("a", "c1"), requester("b", "c1")]);
        let new = set(vec![requester("b", "c2"), requester("c", "c1")]);

        let changes = RequesterChanges::between(&old, &new);

        assert_eq!(changes.added, vec!["c"]);
        assert_eq!(changes.changed, vec!["b"]);
        assert_eq!(changes.removed, vec!["a"]);
        assert_eq!(changes.to_string(), "added c; changed b; removed a");
    }

    #[test]
    fn equal_sets_have_no_changes() {
        let old = set(vec![requester("a", "c1")]);
        let changes = RequesterChanges::between(&old, &old.clone());
        assert!(changes.is_empty());
        assert_eq!(changes.to_string(), "no API requester changed");
    }
}
