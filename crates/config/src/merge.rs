//! Merging: every top-level occurrence from every file into one element per
//! kind and id, as Liberty does.
//!
//! Singletons merge into one instance; factory occurrences merge by element
//! name and `id`, and an id-less factory occurrence is its own instance named
//! `default-0`, `default-1`, ... in document order. Occurrences apply in
//! document order: a single-valued attribute takes the last value, list
//! attributes, text children and nested elements append. Across files, the
//! `onConflict` of the include that brought a file in can make a later
//! occurrence replace (`REPLACE`) or be dropped (`IGNORE`).

mod conflict;
mod occurrence;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::schema;
use crate::tree::{MergedDocument, MergedElement};
use crate::variables::{ProblemReporter, Variables};
use crate::xml::RawElement;

use occurrence::Occurrence;

/// The rule for combining an included element with an element of the same
/// identity defined earlier in another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Attributes merge: single values are replaced, lists append.
    #[default]
    Merge,
    /// Every attribute the included element writes, lists included, replaces
    /// the earlier value.
    Replace,
    /// The included element is dropped.
    Ignore,
}

impl OnConflict {
    /// Parses an `onConflict` value, ignoring case.
    pub fn parse(value: &str) -> Option<Self> {
        [
            ("merge", OnConflict::Merge),
            ("replace", OnConflict::Replace),
            ("ignore", OnConflict::Ignore),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(value.trim()))
        .map(|(_, mode)| mode)
    }
}

/// The file a top-level element came from and how that file was included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentContext {
    /// The file as resolved, for messages.
    pub file: PathBuf,
    /// Identity of every file on the include chain, from the root document
    /// (`server.xml` or a dropin) to this file, which is last. Two contexts
    /// with the same last entry are the same document.
    pub chain: Vec<PathBuf>,
    /// The `onConflict` in effect for each file of `chain`: `Merge` for the
    /// root document, then the (possibly inherited) value of the include
    /// statement that brought each next file in.
    pub on_conflict: Vec<OnConflict>,
}

impl DocumentContext {
    /// Creates the context of a document read directly (`server.xml` or a
    /// dropin), not included.
    pub fn root(file: PathBuf, identity: PathBuf) -> Self {
        DocumentContext {
            file,
            chain: vec![identity],
            on_conflict: vec![OnConflict::Merge],
        }
    }

    fn identity(&self) -> Option<&PathBuf> {
        self.chain.last()
    }

    fn parent_identity(&self) -> Option<&PathBuf> {
        self.chain
            .len()
            .checked_sub(2)
            .and_then(|index| self.chain.get(index))
    }

    /// Returns the `onConflict` that brought this file in.
    pub fn behaviour(&self) -> OnConflict {
        self.on_conflict.last().copied().unwrap_or_default()
    }
}

/// A top-level configuration element in document order, with its file.
#[derive(Debug, Clone)]
pub struct PlacedElement {
    pub element: RawElement,
    pub document: Arc<DocumentContext>,
}

/// Merges every placed element (in document order) into the merged document,
/// expanding variables in every value except ids. Problems go to `diagnostics`.
pub fn merge(
    elements: &[PlacedElement],
    variables: &Variables,
    diagnostics: &mut Vec<Diagnostic>,
) -> MergedDocument {
    let mut reporter = ProblemReporter::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_index: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    let mut generated_counts: BTreeMap<String, usize> = BTreeMap::new();

    for placed in elements {
        let (key, generated) = identity(&placed.element, &mut generated_counts);
        let occurrence = occurrence::build(
            placed,
            &key,
            generated,
            variables,
            &mut reporter,
            diagnostics,
        );
        match group_index.get(&key) {
            Some(&index) => groups[index].occurrences.push(occurrence),
            None => {
                group_index.insert(key, groups.len());
                groups.push(Group {
                    occurrences: vec![occurrence],
                });
            }
        }
    }

    let file_order = file_order(elements);
    let merged = groups
        .into_iter()
        .filter_map(|group| group.merge(&file_order, diagnostics))
        .collect();
    MergedDocument { elements: merged }
}

/// Returns the merge key of a top-level element: its name and, for a factory, its
/// written or generated id. Returns whether the id was generated.
fn identity(
    element: &RawElement,
    generated_counts: &mut BTreeMap<String, usize>,
) -> ((String, Option<String>), bool) {
    let name = element.name.clone();
    if schema::is_singleton(&name) {
        return ((name, None), false);
    }
    if let Some(id) = element.attribute("id") {
        return ((name, Some(id.value.clone())), false);
    }
    let count = generated_counts.entry(name.clone()).or_insert(0);
    let id = format!("default-{count}");
    *count += 1;
    ((name, Some(id)), true)
}

/// Numbers each file in reading order, for listing values in the
/// order they were written.
fn file_order(elements: &[PlacedElement]) -> BTreeMap<PathBuf, usize> {
    let mut order = BTreeMap::new();
    for placed in elements {
        let next = order.len();
        order
            .entry(placed.element.location.file.clone())
            .or_insert(next);
    }
    order
}

/// Every occurrence of one element identity, in document order.
struct Group {
    occurrences: Vec<Occurrence>,
}

impl Group {
    /// Combines the occurrences the way Liberty does. Walking from the last
    /// occurrence back, each occurrence absorbs the one after it when both
    /// come from the same file (always merged), or when the earlier one's
    /// file is on the later one's include chain: then the `onConflict` of the
    /// include statement in that ancestor file decides, so an outer `IGNORE`
    /// cannot be bypassed by a `REPLACE` deeper down. Unrelated occurrences
    /// then apply in document order, each with its own `onConflict`.
    fn merge(
        self,
        file_order: &BTreeMap<PathBuf, usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<MergedElement> {
        let mut occurrences = self.occurrences;
        let mut flattened: Vec<Occurrence> = Vec::new();

        while let Some(earlier) = occurrences.pop() {
            let Some(later) = flattened.pop() else {
                flattened.push(earlier);
                continue;
            };
            match relation(&earlier, &later) {
                Some(behaviour) => flattened.push(earlier.absorb(later, behaviour)),
                None => {
                    flattened.push(later);
                    flattened.push(earlier);
                }
            }
        }

        let mut merged: Option<Occurrence> = None;
        for later in flattened.into_iter().rev() {
            merged = Some(match merged {
                None => later,
                Some(base) => {
                    let behaviour = if same_document(&base, &later) {
                        OnConflict::Merge
                    } else {
                        later.document.behaviour()
                    };
                    base.absorb(later, behaviour)
                }
            });
        }

        let merged = merged?;
        merged
            .conflicts
            .report(&merged.element, file_order, diagnostics);
        Some(merged.element)
    }
}

fn same_document(earlier: &Occurrence, later: &Occurrence) -> bool {
    earlier.document.identity() == later.document.identity()
}

/// Returns how `later` combines into `earlier` when their files are related: same
/// file, `earlier`'s file includes `later`'s, or `earlier`'s file is further
/// up `later`'s include chain. `None` when unrelated.
fn relation(earlier: &Occurrence, later: &Occurrence) -> Option<OnConflict> {
    if same_document(earlier, later) {
        return Some(OnConflict::Merge);
    }
    let earlier_file = earlier.document.identity()?;
    if later.document.parent_identity() == Some(earlier_file) {
        return Some(later.document.behaviour());
    }
    let index = later
        .document
        .chain
        .iter()
        .position(|file| file == earlier_file)?;
    later.document.on_conflict.get(index + 1).copied()
}
