//! The short summary of what a reload changed: elements added, removed and
//! changed, by kind and id, from the effective configuration views.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;
use zconnect_config::effective::EffectiveConfig;

/// Element paths (`kind[id]`) that differ between two configurations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl ChangeSummary {
    pub fn between(old: &EffectiveConfig, new: &EffectiveConfig) -> Self {
        let old = by_path(old);
        let new = by_path(new);
        let mut summary = ChangeSummary::default();

        for (path, value) in &new {
            match old.get(path) {
                None => summary.added.push(path.clone()),
                Some(previous) if previous != value => summary.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        for path in old.keys() {
            if !new.contains_key(path) {
                summary.removed.push(path.clone());
            }
        }
        summary
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

impl fmt::Display for ChangeSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no element changed");
        }
        let mut parts = Vec::new();
        for (label, paths) in [
            ("added", &self.added),
            ("removed", &self.removed),
            ("changed", &self.changed),
        ] {
            if !paths.is_empty() {
                parts.push(format!("{label} {}", paths.join(", ")));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

/// Elements keyed by `kind[id]`, with positions removed so that moving an
/// element within a file does not count as a change.
fn by_path(config: &EffectiveConfig) -> BTreeMap<String, Value> {
    config
        .elements
        .iter()
        .map(|element| {
            let path = match &element.id {
                Some(id) => format!("{}[{id}]", element.kind),
                None => element.kind.clone(),
            };
            let value = serde_json::to_value(element).unwrap_or(Value::Null);
            (path, without_positions(&value))
        })
        .collect()
}

fn without_positions(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "file" | "line" | "column"))
                .map(|(key, inner)| (key.clone(), without_positions(inner)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_positions).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zconnect_config::effective::EffectiveElement;

    fn element(kind: &str, id: Option<&str>, attributes: Value) -> EffectiveElement {
        EffectiveElement {
            kind: kind.to_owned(),
            id: id.map(str::to_owned),
            used: true,
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            children: Vec::new(),
        }
    }

    fn config(elements: Vec<EffectiveElement>) -> EffectiveConfig {
        EffectiveConfig { elements }
    }

    #[test]
    fn summary_lists_added_removed_changed() {
        let connection = "zosconnect_endpointConnection";
        let old = config(vec![
            element(connection, Some("a"), json!({"port": {"value": 1}})),
            element(connection, Some("b"), json!({})),
        ]);
        let new = config(vec![
            element(connection, Some("a"), json!({"port": {"value": 2}})),
            element("zosconnect_authData", Some("c"), json!({})),
        ]);

        let summary = ChangeSummary::between(&old, &new);

        assert_eq!(summary.added, vec!["zosconnect_authData[c]"]);
        assert_eq!(summary.removed, vec!["zosconnect_endpointConnection[b]"]);
        assert_eq!(summary.changed, vec!["zosconnect_endpointConnection[a]"]);
    }

    #[test]
    fn summary_ignores_moved_lines() {
        let old = config(vec![element(
            "config",
            None,
            json!({"onError": {"value": "WARN", "file": "server.xml", "line": 3}}),
        )]);
        let new = config(vec![element(
            "config",
            None,
            json!({"onError": {"value": "WARN", "file": "server.xml", "line": 9}}),
        )]);
        assert!(ChangeSummary::between(&old, &new).is_empty());
    }
}
