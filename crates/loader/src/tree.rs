//! The spanned YAML tree every loader stage works on, before canonicalization to the IR.
//!
//! Scalars are already typed the way Compose's YAML library (yaml.v3) resolves them, so that
//! `no` and `22:22` stay strings while `010` becomes 8. Anchors/aliases and merge keys are
//! resolved by the parser; the `!reset` and `!override` tags are kept on the node for the
//! merge stage.

use transship_ir::Span;

/// A YAML tag that Compose gives a meaning to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `!reset`: remove / zero the value of earlier files.
    Reset,
    /// `!override`: replace the value of earlier files wholesale.
    Override,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// Where the node's text starts.
    pub span: Span,
    pub tag: Option<Tag>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Mapping in source order; keys are unique (duplicates are a load error).
    Map(Vec<(Key, Node)>),
}

/// A mapping key (keys are always strings after Compose's key stringification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Node {
    pub const fn new(value: NodeValue, span: Span) -> Self {
        Self {
            value,
            span,
            tag: None,
        }
    }

    /// The value of `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            NodeValue::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            NodeValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// A short name of the node's kind, for error messages ("a string", "a mapping").
    pub const fn kind_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }
}
