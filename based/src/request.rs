//! A CIB request: the operation, what it applies to, its input and options.

use pcmk_common::xml::Element;

/// The operations of the CIB API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Read the CIB, a section, or XPath matches.
    Query,
    /// Add an object.
    Create,
    /// Merge an object into the matching one.
    Modify,
    /// Replace a section, an object or the whole CIB.
    Replace,
    /// Delete objects.
    Delete,
    /// Replace the CIB with an empty one.
    Erase,
    /// Increase the epoch.
    Bump,
    /// Upgrade to the latest schema.
    Upgrade,
    /// Apply a v2 patchset.
    ApplyPatch,
}

impl Operation {
    /// Pacemaker's name for the operation (`cib_create`, ...), as logged
    /// and sent in notifications.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Query => "cib_query",
            Operation::Create => "cib_create",
            Operation::Modify => "cib_modify",
            Operation::Replace => "cib_replace",
            Operation::Delete => "cib_delete",
            Operation::Erase => "cib_erase",
            Operation::Bump => "cib_bump",
            Operation::Upgrade => "cib_upgrade",
            Operation::ApplyPatch => "cib_apply_diff",
        }
    }

    /// Whether the operation changes the CIB.
    pub fn modifies(self) -> bool {
        self != Operation::Query
    }

    /// Whether a successful operation is written to disk even when only
    /// the status changed (Pacemaker's `cib__op_attr_writes_through`).
    pub fn writes_through(self) -> bool {
        matches!(self, Operation::Replace | Operation::Upgrade)
    }
}

/// What an operation applies to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Target {
    /// The whole CIB.
    #[default]
    All,
    /// A section by element name (`resources`, `status`, ...); an unknown
    /// name is kept and handled as Pacemaker does.
    Section(String),
    /// The matches of an XPath expression.
    XPath(String),
}

impl Target {
    /// The section name, or `None` for the whole CIB and for XPath targets.
    pub fn section(&self) -> Option<&str> {
        match self {
            Target::Section(s) => Some(s),
            _ => None,
        }
    }
}

/// Options of a call (Pacemaker's `cib_call_options`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallOptions {
    /// Modify: create the object if nothing matches.
    pub allow_create: bool,
    /// XPath delete or modify: act on every match.
    pub multiple: bool,
    /// Query: leave out the children of results.
    pub no_children: bool,
    /// XPath query: return paths of matches.
    pub xpath_address: bool,
    /// Upgrade: report the steps on standard error.
    pub verbose: bool,
    /// Modify: expand `name++` and `name+=N` values.
    pub score_update: bool,
    /// Compute the change but leave the CIB as it is.
    pub dry_run: bool,
    /// Do not notify subscribers.
    pub inhibit_notify: bool,
    /// Do not set `cib-last-written` and the `update-*` attributes.
    pub no_mtime: bool,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The operation.
    pub op: Operation,
    /// What it applies to.
    pub target: Target,
    /// Input XML.
    pub input: Option<Element>,
    /// Options.
    pub options: CallOptions,
    /// User whose ACLs apply (already resolved against the caller's
    /// credentials); `None` or a privileged user means no ACLs.
    pub user: Option<String>,
    /// Name of the client (`update-client`).
    pub client_name: Option<String>,
    /// Node the request comes from (`update-origin`).
    pub origin: Option<String>,
    /// Upgrade: the highest schema to go to.
    pub max_schema: Option<String>,
}

impl Request {
    /// A request with no input, no user and default options.
    pub fn new(op: Operation, target: Target) -> Self {
        Request {
            op,
            target,
            input: None,
            options: CallOptions::default(),
            user: None,
            client_name: None,
            origin: None,
            max_schema: None,
        }
    }

    /// The same request with `input`.
    #[must_use]
    pub fn with_input(mut self, input: Element) -> Self {
        self.input = Some(input);
        self
    }
}
