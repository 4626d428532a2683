//! The element and attribute tables.

use super::ElementSchema;

/// Every element kind zconnect uses.
pub static ELEMENTS: &[ElementSchema] = &[];

/// Elements of other features that real z/OS Connect servers carry: loaded as
/// "recognised, not used", never as unknown, and not validated.
pub static RECOGNISED_ELEMENTS: &[&str] = &[];

/// Recognised elements that Liberty treats as singletons.
pub static RECOGNISED_SINGLETONS: &[&str] = &[];
