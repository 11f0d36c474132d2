//! Decodes arbitrary bytes as a message of the CPG group `cib` and feeds
//! what decodes to a member in sync, as if another member had sent it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_based::acl::NoGroups;
use pcmk_based::cib::Cib;
use pcmk_based::cluster::{Cluster, Input, Member, PeerMsg, Replica, agreement_digest, wire};
use pcmk_common::xml::parse;

const CIB: &str = r#"<cib validate-with="pacemaker-4.0" admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>"#;

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = wire::decode(data) else { return };
    let Ok(doc) = parse(CIB) else { return };
    let mut cib = Cib::new(doc);
    let mut refused = None;
    let mut replica = Replica { cib: &mut cib, refused: &mut refused, groups: &NoGroups };
    let me = Member { nodeid: 1, pid: 1 };
    let peer = Member { nodeid: 2, pid: 2 };
    let mut c = Cluster::new(me);
    let members = vec![me, peer];
    c.handle(&mut replica, Input::Membership { members: members.clone(), joined: vec![me] });
    // Both announce the same CIB: the round ends, writes are applied.
    for from in [me, peer] {
        let msg = PeerMsg::Announce {
            round: members.clone(),
            version: replica.cib.version(),
            valid: true,
            digest: agreement_digest(replica.cib.doc()),
        };
        c.handle(&mut replica, Input::Delivered { from, msg });
    }
    let _ = c.handle(&mut replica, Input::Delivered { from: peer, msg });
});
