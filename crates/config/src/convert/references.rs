//! References between elements: each `...Ref` must name an element of an
//! allowed kind, and an element that depends on an invalid one is left out
//! with a warning that names the cause.

use std::collections::BTreeMap;

use super::checked::{self, Checked, ElementRef};
use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::schema::ValueType;
use crate::values::Value;

/// One dependency: `from` needs `to` through `attribute`.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub from: ElementRef,
    pub to: usize,
    pub attribute: String,
    pub location: Location,
}

/// Top-level elements by id, each with its kind and index.
pub(crate) struct Index {
    by_id: BTreeMap<String, Vec<(&'static str, usize)>>,
}

impl Index {
    pub fn new(elements: &[Checked]) -> Self {
        let mut by_id: BTreeMap<String, Vec<(&'static str, usize)>> = BTreeMap::new();
        for (index, element) in elements.iter().enumerate() {
            if let Some(id) = &element.source.id {
                by_id
                    .entry(id.clone())
                    .or_default()
                    .push((element.kind(), index));
            }
        }
        Index { by_id }
    }

    /// Finds the element with this id whose kind is one of `kinds`.
    pub fn find(&self, id: &str, kinds: &[&str]) -> Option<usize> {
        self.by_id
            .get(id)?
            .iter()
            .find(|(kind, _)| kinds.contains(kind))
            .map(|(_, index)| *index)
    }

    fn kinds_of(&self, id: &str) -> Vec<&'static str> {
        self.by_id
            .get(id)
            .map(|entries| entries.iter().map(|(kind, _)| *kind).collect())
            .unwrap_or_default()
    }
}

/// Resolves every written reference, reporting the unresolved ones, and
/// returns the dependency edges.
pub(crate) fn resolve(
    elements: &mut [Checked],
    index: &Index,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edge> {
    let mut edges = Vec::new();
    let mut broken = Vec::new();
    for top in 0..elements.len() {
        collect(
            elements,
            &ElementRef::top(top),
            index,
            &mut edges,
            &mut broken,
            diagnostics,
        );
    }
    for address in broken {
        checked::invalidate(elements, &address);
    }
    edges
}

fn collect(
    elements: &[Checked],
    address: &ElementRef,
    index: &Index,
    edges: &mut Vec<Edge>,
    broken: &mut Vec<ElementRef>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(element) = checked::get(elements, address) else {
        return;
    };

    for attribute in &element.attributes {
        let (kinds, ids) = match (&attribute.schema.ty, &attribute.value) {
            (ValueType::Reference(kinds), Value::Reference(id)) => (*kinds, vec![id.clone()]),
            (ValueType::ReferenceList(kinds), Value::ReferenceList(ids)) => (*kinds, ids.clone()),
            _ => continue,
        };
        let location = element.location_of(attribute.schema.name);
        for id in ids {
            match index.find(&id, kinds) {
                Some(to) => edges.push(Edge {
                    from: address.clone(),
                    to,
                    attribute: attribute.schema.name.to_owned(),
                    location: location.clone(),
                }),
                None => {
                    broken.push(address.clone());
                    diagnostics.push(unresolved(
                        element,
                        attribute.schema.name,
                        &id,
                        kinds,
                        index,
                        location.clone(),
                    ));
                }
            }
        }
    }

    for child in 0..element.children.len() {
        collect(
            elements,
            &address.child(child),
            index,
            edges,
            broken,
            diagnostics,
        );
    }
}

fn unresolved(
    element: &Checked,
    attribute: &str,
    id: &str,
    kinds: &[&str],
    index: &Index,
    location: Location,
) -> Diagnostic {
    let wanted = kinds.join(" or ");
    let found = index.kinds_of(id);
    let problem = if found.is_empty() {
        format!("no {wanted} element has that id")
    } else {
        format!(
            "that id belongs to a {} element, not a {wanted} element",
            found.join(" and a ")
        )
    };
    Diagnostic::new(
        &catalog::UNRESOLVED_REFERENCE,
        format!(
            "`{attribute}` names `{id}`, but {problem}, so {} is left out. Define the element or correct the id.",
            element.path
        ),
    )
    .at(location)
    .element(element.path.clone())
    .attribute(attribute)
}

/// Leaves out every element that depends on an invalid one, with one warning
/// per element that names the first invalid element it needs.
pub(crate) fn propagate(
    elements: &mut [Checked],
    edges: &[Edge],
    diagnostics: &mut Vec<Diagnostic>,
) {
    loop {
        let mut changed = false;
        for edge in edges {
            let target_invalid = elements.get(edge.to).is_some_and(|target| !target.valid);
            let Some(from) = checked::get(elements, &edge.from) else {
                continue;
            };
            if !target_invalid || !from.valid {
                continue;
            }

            let target_path = elements
                .get(edge.to)
                .map(|target| target.path.clone())
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::new(
                    &catalog::DEPENDENT_INVALID,
                    format!(
                        "The element {} is left out because {target_path}, named by `{}`, is invalid; fix the problem reported for it.",
                        from.path, edge.attribute
                    ),
                )
                .at(edge.location.clone())
                .element(from.path.clone())
                .attribute(edge.attribute.clone()),
            );
            checked::invalidate(elements, &edge.from);
            changed = true;
        }
        if !changed {
            return;
        }
    }
}
