//! Colocations: which ones apply to a resource, in which order, and how a
//! primary's placement changes a dependent's node scores
//! (`pcmk_sched_colocation.c`).

use std::cmp::Ordering as CmpOrdering;

use crate::model::{ColocFlags, Colocation, NodeIdx, Role, RscFlags, RscIdx, Scheduler, Variant};
use crate::values::{INFINITY, add_scores};

/// The score that marks a node unusable while merging positive scores.
const INFINITY_HACK: i32 = INFINITY * -100;

/// A working copy of node scores keyed by node.
pub type NodeScores = Vec<Option<crate::model::Allowed>>;

impl Scheduler {
    fn cmp_coloc(&self, a: usize, b: usize, dependent: bool) -> CmpOrdering {
        let (ca, cb) = (&self.colocations[a], &self.colocations[b]);
        let (r1, r2) = if dependent {
            (&self.rscs[ca.dependent], &self.rscs[cb.dependent])
        } else {
            (&self.rscs[ca.primary], &self.rscs[cb.primary])
        };
        r2.priority
            .cmp(&r1.priority)
            .then(r2.variant.cmp(&r1.variant))
            .then_with(|| {
                if r1.variant == Variant::Clone {
                    let p1 = r1.has(RscFlags::PROMOTABLE);
                    let p2 = r2.has(RscFlags::PROMOTABLE);
                    p2.cmp(&p1)
                } else {
                    CmpOrdering::Equal
                }
            })
            .then_with(|| r1.id.as_bytes().cmp(r2.id.as_bytes()))
    }

    /// Inserts a colocation in a sorted list (after equal ones, like
    /// `g_list_insert_sorted`).
    fn insert_sorted(&self, list: &mut Vec<usize>, c: usize, dependent: bool) {
        let pos = list
            .iter()
            .position(|&x| self.cmp_coloc(c, x, dependent) == CmpOrdering::Less)
            .unwrap_or(list.len());
        list.insert(pos, c);
    }

    fn add_this_with(&self, list: &mut Vec<usize>, c: usize) {
        self.insert_sorted(list, c, false);
    }

    fn add_with_this(&self, list: &mut Vec<usize>, c: usize) {
        self.insert_sorted(list, c, true);
    }

    /// Adds a list of colocations; a non-empty list gets the first addition
    /// once per element, as Pacemaker does.
    fn add_this_with_list(&self, list: &mut Vec<usize>, addition: &[usize]) {
        if list.is_empty() {
            list.extend_from_slice(addition);
            return;
        }
        if let Some(&first) = addition.first() {
            for _ in addition {
                self.add_this_with(list, first);
            }
        }
    }

    fn add_with_this_list(&self, list: &mut Vec<usize>, addition: &[usize]) {
        if list.is_empty() {
            list.extend_from_slice(addition);
            return;
        }
        if let Some(&first) = addition.first() {
            for _ in addition {
                self.add_with_this(list, first);
            }
        }
    }

    /// Colocations where `rsc` (or what it inherits) is the dependent.
    pub fn this_with_colocations(&self, rsc: RscIdx) -> Vec<usize> {
        let mut list = Vec::new();
        self.collect_this_with(rsc, rsc, &mut list);
        list
    }

    /// Colocations where `rsc` (or what it inherits) is the primary.
    pub fn with_this_colocations(&self, rsc: RscIdx) -> Vec<usize> {
        let mut list = Vec::new();
        self.collect_with_this(rsc, rsc, &mut list);
        list
    }

    fn collect_this_with(&self, rsc: RscIdx, orig: RscIdx, list: &mut Vec<usize>) {
        let r = &self.rscs[rsc];
        match r.variant {
            Variant::Primitive => {
                if rsc == orig {
                    self.add_this_with_list(list, &r.this_with);
                    if let Some(p) = r.parent {
                        self.collect_this_with(p, orig, list);
                    }
                } else {
                    for &c in &r.this_with {
                        if self.colocations[c].flags.0 & ColocFlags::EXPLICIT != 0 {
                            self.add_this_with(list, c);
                        }
                    }
                }
            }
            Variant::Group => {
                if r.children.is_empty() {
                    return;
                }
                if rsc == orig || orig == r.children[0] {
                    self.add_this_with_list(list, &r.this_with);
                    if let Some(p) = r.parent {
                        self.collect_this_with(p, orig, list);
                    }
                    if !self.group_flag(rsc, "collocated") {
                        return;
                    }
                    for &m in &r.children {
                        if m != orig {
                            self.collect_this_with(m, orig, list);
                        }
                    }
                    return;
                }
                for &m in &r.children {
                    if m == orig {
                        break;
                    }
                    if !self.rscs[m].has(RscFlags::MANAGED) {
                        for &c in &r.this_with {
                            if self.colocations[c].score == INFINITY {
                                self.add_this_with(list, c);
                            }
                        }
                        break;
                    }
                }
            }
            Variant::Clone => {
                self.add_this_with_list(list, &r.this_with);
                if let Some(p) = r.parent {
                    self.collect_this_with(p, orig, list);
                }
            }
            Variant::Bundle => {
                if rsc == orig {
                    self.add_this_with_list(list, &r.this_with);
                }
            }
        }
    }

    fn collect_with_this(&self, rsc: RscIdx, orig: RscIdx, list: &mut Vec<usize>) {
        let r = &self.rscs[rsc];
        match r.variant {
            Variant::Primitive => {
                if rsc == orig {
                    self.add_with_this_list(list, &r.with_this);
                    if let Some(p) = r.parent {
                        self.collect_with_this(p, orig, list);
                    }
                } else {
                    for &c in &r.with_this {
                        if self.colocations[c].flags.0 & ColocFlags::EXPLICIT != 0 {
                            self.add_with_this(list, c);
                        }
                    }
                }
            }
            Variant::Group => {
                if r.children.is_empty() {
                    return;
                }
                let last = *r.children.last().unwrap_or(&rsc);
                if orig != rsc && orig != last {
                    return;
                }
                self.add_with_this_list(list, &r.with_this);
                if let Some(p) = r.parent {
                    self.collect_with_this(p, orig, list);
                }
                if !self.group_flag(rsc, "collocated") {
                    return;
                }
                for &m in &r.children {
                    if m != orig {
                        self.collect_with_this(m, orig, list);
                    }
                }
            }
            Variant::Clone => {
                self.add_with_this_list(list, &r.with_this);
                if let Some(p) = r.parent {
                    self.collect_with_this(p, orig, list);
                }
            }
            Variant::Bundle => {
                if rsc == orig {
                    self.add_with_this_list(list, &r.with_this);
                }
            }
        }
    }

    /// Records a colocation (`pcmk__new_colocation`).
    #[allow(clippy::too_many_arguments)]
    pub fn new_colocation(
        &mut self,
        id: &str,
        node_attr: Option<&str>,
        score: i32,
        dependent: RscIdx,
        primary: RscIdx,
        dependent_role: Role,
        primary_role: Role,
        flags: u32,
    ) {
        if score == 0 {
            return;
        }
        let idx = self.colocations.len();
        self.colocations.push(Colocation {
            id: id.to_string(),
            dependent,
            primary,
            dependent_role,
            primary_role,
            node_attribute: node_attr.unwrap_or("#uname").to_string(),
            score,
            flags: ColocFlags(flags),
        });
        let mut tw = std::mem::take(&mut self.rscs[dependent].this_with);
        self.add_this_with(&mut tw, idx);
        self.rscs[dependent].this_with = tw;
        let mut wt = std::mem::take(&mut self.rscs[primary].with_this);
        self.add_with_this(&mut wt, idx);
        self.rscs[primary].with_this = wt;
        if score <= -INFINITY {
            self.anti_colocation_order(dependent, dependent_role, primary, primary_role);
            self.anti_colocation_order(primary, primary_role, dependent, dependent_role);
        }
    }

    fn anti_colocation_order(
        &mut self,
        first: RscIdx,
        first_role: Role,
        then: RscIdx,
        then_role: Role,
    ) {
        let first_tasks: &[&str] = match first_role {
            Role::Promoted => &["demote"],
            Role::Unpromoted => &["stop", "promote"],
            _ => &["stop"],
        };
        let then_tasks: &[&str] = match then_role {
            Role::Promoted => &["promote"],
            Role::Unpromoted => &["start", "demote"],
            _ => &["start"],
        };
        for f in first_tasks {
            for t in then_tasks {
                self.order_rsc_actions(
                    first,
                    f,
                    then,
                    t,
                    crate::model::RelFlags::IF_REQUIRED_ON_SAME_NODE,
                );
            }
        }
    }

    /// Whether a colocation lets the dependent influence the primary.
    pub fn colocation_has_influence(&self, c: usize, rsc: Option<RscIdx>) -> bool {
        let col = &self.colocations[c];
        let rsc = rsc.unwrap_or(col.primary);
        let r = &self.rscs[rsc];
        if self.rscs[col.dependent].has(RscFlags::REMOTE_NESTING)
            && !r.has(RscFlags::FAILED)
            && r.active.len() == 1
        {
            return false;
        }
        col.flags.0 & ColocFlags::INFLUENCE != 0 || r.active.is_empty()
    }

    /// The value of a colocation node attribute on a node.
    fn coloc_node_attr(&self, node: NodeIdx, attr: &str) -> Option<String> {
        self.nodes[node].attr(attr).map(str::to_string)
    }

    /// What a colocation affects now (`pcmk__colocation_affects`):
    /// 0 nothing, 1 location, 2 role.
    pub fn colocation_affects(
        &self,
        dependent: RscIdx,
        primary: RscIdx,
        c: usize,
        preview: bool,
    ) -> u8 {
        let col = &self.colocations[c];
        if !preview && self.rscs[primary].has(RscFlags::UNASSIGNED) {
            return 0;
        }
        let d = &self.rscs[dependent];
        if col.dependent_role >= Role::Unpromoted
            && d.parent
                .is_some_and(|p| self.rscs[p].has(RscFlags::PROMOTABLE))
            && !d.has(RscFlags::UNASSIGNED)
        {
            return 2;
        }
        if !preview && !d.has(RscFlags::UNASSIGNED) {
            return 0;
        }
        if col.dependent_role != Role::Unknown && col.dependent_role != d.next_role {
            return 0;
        }
        if col.primary_role != Role::Unknown && col.primary_role != self.rscs[primary].next_role {
            return 0;
        }
        1
    }

    /// Applies a colocation's score to the dependent's node scores
    /// (`pcmk__apply_coloc_to_scores`).
    pub fn apply_coloc_to_scores(&mut self, dependent: RscIdx, primary: RscIdx, c: usize) {
        let col = self.colocations[c].clone();
        let assigned = self.rscs[primary].assigned;
        let value = match assigned {
            Some(n) => self.coloc_node_attr(n, &col.node_attribute),
            None if col.score < 0 => return,
            None => None,
        };
        let mut work = self.rscs[dependent].allowed.clone();
        for (n, slot) in work.iter_mut().enumerate() {
            let Some(a) = slot else { continue };
            if assigned.is_none() {
                a.score = add_scores(-col.score, a.score);
                continue;
            }
            let nv = self.coloc_node_attr(n, &col.node_attribute);
            let matches = match (&nv, &value) {
                (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                (None, None) => true,
                _ => false,
            };
            if matches {
                if col.score < INFINITY {
                    a.score = add_scores(col.score, a.score);
                }
                continue;
            }
            if col.score >= INFINITY {
                a.score = -INFINITY;
            }
        }
        if col.score <= -INFINITY || col.score >= INFINITY || self.any_node_available(&work) {
            self.rscs[dependent].allowed = work;
        }
    }

    /// Whether any node in a score table can run resources with a
    /// non-negative score.
    pub fn any_node_available(&self, table: &NodeScores) -> bool {
        table
            .iter()
            .enumerate()
            .any(|(n, a)| a.is_some_and(|a| a.score >= 0) && self.nodes[n].available())
    }

    /// Applies a colocation where `rsc` is the dependent
    /// (`apply_coloc_score` for the dependent's variant).
    pub fn apply_coloc_score_for_dependent(
        &mut self,
        dependent: RscIdx,
        primary: RscIdx,
        c: usize,
    ) {
        match self.rscs[dependent].variant {
            Variant::Group => {
                if self.rscs[dependent].children.is_empty() {
                    return;
                }
                if self.group_flag(dependent, "collocated") {
                    let first = self.rscs[dependent].children[0];
                    self.apply_coloc_score_for_dependent(first, primary, c);
                } else {
                    if self.colocations[c].score >= INFINITY {
                        return;
                    }
                    for m in self.rscs[dependent].children.clone() {
                        self.apply_coloc_score_for_primary(m, primary, c);
                    }
                }
            }
            _ => self.apply_coloc_score_for_primary(dependent, primary, c),
        }
    }

    /// Applies a colocation on behalf of the primary, for a primitive
    /// dependent.
    pub(crate) fn apply_coloc_score_for_primary(
        &mut self,
        dependent: RscIdx,
        primary: RscIdx,
        c: usize,
    ) {
        match self.rscs[primary].variant {
            Variant::Group => {
                if self.rscs[primary].has(RscFlags::UNASSIGNED) {
                    return;
                }
                let children = self.rscs[primary].children.clone();
                if self.group_flag(primary, "collocated") {
                    let member = if self.colocations[c].score >= INFINITY {
                        children.last().copied()
                    } else {
                        children.first().copied()
                    };
                    if let Some(m) = member {
                        self.apply_coloc_score_for_primary(dependent, m, c);
                    }
                    return;
                }
                if self.colocations[c].score >= INFINITY {
                    return;
                }
                for m in children {
                    self.apply_coloc_score_for_primary(dependent, m, c);
                }
            }
            Variant::Clone => self.clone_apply_coloc_score(dependent, primary, c),
            _ => match self.colocation_affects(dependent, primary, c, false) {
                1 => self.apply_coloc_to_scores(dependent, primary, c),
                2 => {
                    self.apply_coloc_to_priority(dependent, primary, c);
                }
                _ => {}
            },
        }
    }

    /// Incorporates the scores of resources colocated with `primary`
    /// (`pcmk__add_dependent_scores`).
    pub fn add_dependent_scores(&mut self, c: usize, primary: RscIdx) {
        if !self.colocation_has_influence(c, None) {
            return;
        }
        let dependent = self.colocations[c].dependent;
        let factor = self.colocations[c].score as f32 / INFINITY as f32;
        let mut flags = SELECT_ACTIVE;
        if self.rscs[primary].variant == Variant::Clone {
            flags |= SELECT_NONNEGATIVE;
        }
        let mut nodes = Some(std::mem::take(&mut self.rscs[primary].allowed));
        self.add_colocated_node_scores(
            dependent,
            Some(primary),
            &mut nodes,
            Some(c),
            factor,
            flags,
        );
        self.rscs[primary].allowed = nodes.unwrap_or_default();
    }

    /// Merges a resource's node scores into `nodes`, following further
    /// colocations (`pcmk__add_colocated_node_scores`).
    #[allow(clippy::too_many_arguments)]
    pub fn add_colocated_node_scores(
        &mut self,
        source: RscIdx,
        target: Option<RscIdx>,
        nodes: &mut Option<NodeScores>,
        colocation: Option<usize>,
        factor: f32,
        flags: u32,
    ) {
        if self.rscs[source].variant == Variant::Group {
            if self.updating.contains(&source) {
                return;
            }
            self.updating.insert(source);
            let children = self.rscs[source].children.clone();
            if children.is_empty() {
                return;
            }
            let member = if nodes.is_none() {
                *children.last().unwrap_or(&source)
            } else {
                children[0]
            };
            self.add_colocated_node_scores(member, target, nodes, colocation, factor, flags);
            self.updating.remove(&source);
            return;
        }
        if self.updating.contains(&source) {
            return;
        }
        self.updating.insert(source);
        let mut target = target;
        let mut work = match nodes {
            None => {
                target = Some(source);
                self.rscs[source].allowed.clone()
            }
            Some(table) => {
                let mut w = table.clone();
                if let (Some(c), Some(_)) = (colocation, target) {
                    let pos = flags & SELECT_NONNEGATIVE != 0;
                    self.add_node_scores_matching_attr(&mut w, source, c, factor, pos);
                }
                w
            }
        };
        let mut flags = flags;
        if self.any_node_available(&work) {
            let list = if flags & SELECT_THIS_WITH != 0 {
                self.this_with_colocations(source)
            } else {
                self.with_this_colocations(source)
            };
            flags |= SELECT_ACTIVE;
            for c in list {
                let other_factor = factor * self.colocations[c].score as f32 / INFINITY as f32;
                let other = if flags & SELECT_THIS_WITH != 0 {
                    self.colocations[c].primary
                } else if !self.colocation_has_influence(c, None) {
                    continue;
                } else {
                    self.colocations[c].dependent
                };
                let mut tmp = Some(work);
                self.add_colocated_node_scores(
                    other,
                    target,
                    &mut tmp,
                    Some(c),
                    other_factor,
                    flags,
                );
                work = tmp.unwrap_or_default();
            }
        } else if flags & SELECT_ACTIVE != 0 {
            self.updating.remove(&source);
            return;
        }
        if flags & SELECT_NONNEGATIVE != 0 {
            for a in work.iter_mut().flatten() {
                if a.score == INFINITY_HACK {
                    a.score = 1;
                }
            }
        }
        *nodes = Some(work);
        self.updating.remove(&source);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_node_scores_matching_attr(
        &mut self,
        work: &mut NodeScores,
        source: RscIdx,
        c: usize,
        factor: f32,
        only_positive: bool,
    ) {
        let attr = self.colocations[c].node_attribute.clone();
        #[allow(clippy::needless_range_loop)]
        for n in 0..work.len() {
            let Some(cur) = work[n] else { continue };
            let value = self.coloc_node_attr(n, &attr);
            let score = self.best_node_score_matching_attr(c, source, &attr, value.as_deref());
            if factor < 0.0 && score < 0 {
                let primary = self.colocations[c].primary;
                let dependent = self.colocations[c].dependent;
                if self.rscs[primary].stickiness >= -score
                    || !self.colocation_has_influence(c, None)
                    || !self.allowed_on_one(dependent)
                {
                    continue;
                }
            }
            if cur.score == INFINITY_HACK {
                continue;
            }
            let delta_f = factor * score as f32;
            let mut delta = if delta_f < 0.0 {
                (delta_f - 0.5) as i32
            } else {
                (delta_f + 0.5) as i32
            };
            if delta == 0 && score != 0 {
                if factor > 0.0 {
                    delta = 1;
                } else if factor < 0.0 {
                    delta = -1;
                }
            }
            let new_score = add_scores(delta, cur.score);
            let slot = work[n].as_mut().expect("checked above");
            if only_positive && new_score < 0 && cur.score > 0 {
                slot.score = INFINITY_HACK;
                continue;
            }
            if only_positive && new_score < 0 && cur.score == 0 {
                continue;
            }
            slot.score = new_score;
        }
    }

    fn best_node_score_matching_attr(
        &mut self,
        c: usize,
        rsc: RscIdx,
        attr: &str,
        value: Option<&str>,
    ) -> i32 {
        let mut table = self.rscs[rsc].allowed.clone();
        let col = &self.colocations[c];
        if rsc == col.dependent && col.flags.0 & ColocFlags::EXPLICIT != 0 {
            if let Some(p) = self.rscs[rsc].parent {
                if self.rscs[p].variant == Variant::Group
                    && self.rscs[p].children.first() != Some(&rsc)
                {
                    let saved = std::mem::take(&mut self.rscs[rsc].allowed);
                    self.rscs[rsc].allowed = table.clone();
                    let locs: Vec<usize> = (0..self.locations.len())
                        .rev()
                        .filter(|&l| self.locations[l].rsc == p)
                        .collect();
                    for l in locs {
                        self.apply_location_to(rsc, l, None);
                    }
                    table = std::mem::replace(&mut self.rscs[rsc].allowed, saved);
                }
            }
        }
        let mut best = -INFINITY;
        for (n, a) in table.iter().enumerate() {
            let Some(a) = a else { continue };
            let nv = self.coloc_node_attr(n, attr);
            let matches = match (nv.as_deref(), value) {
                (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                (None, None) => true,
                _ => false,
            };
            if a.score > best && self.nodes[n].available() && matches {
                best = a.score;
            }
        }
        best
    }

    fn allowed_on_one(&self, rsc: RscIdx) -> bool {
        self.rscs[rsc]
            .allowed
            .iter()
            .flatten()
            .filter(|a| a.score >= 0)
            .count()
            == 1
    }
}

/// Follow "this with" colocations instead of "with this".
pub const SELECT_THIS_WITH: u32 = 1 << 0;
/// Only non-negative results.
pub const SELECT_NONNEGATIVE: u32 = 1 << 1;
/// Roll back if no node remains available.
pub const SELECT_ACTIVE: u32 = 1 << 2;
