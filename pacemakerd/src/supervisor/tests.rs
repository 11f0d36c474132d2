use super::*;

/// Starts everything, answering spawns with pids 100, 101, ...
fn started(cluster: bool) -> (Supervisor, Vec<u32>) {
    let mut s = Supervisor::new(SupervisorConfig::default());
    s.handle(Event::Start {
        cluster_connected: cluster,
    });
    let spawns: Vec<usize> = s
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Spawn { child } => Some(child),
            _ => None,
        })
        .collect();
    assert_eq!(
        spawns,
        vec![0, 1, 2, 3, 4, 5],
        "started in Pacemaker's order"
    );
    let pids: Vec<u32> = (0..6).map(|i| 100 + i as u32).collect();
    for (i, pid) in pids.iter().enumerate() {
        s.handle(Event::Spawned {
            child: i,
            pid: *pid,
        });
    }
    assert_eq!(s.state(), PcmkdState::Running);
    (s, pids)
}

fn spawns(cmds: &[Command]) -> Vec<usize> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Spawn { child } => Some(*child),
            _ => None,
        })
        .collect()
}

#[test]
fn crashed_child_is_respawned() {
    let (mut s, pids) = started(true);
    s.handle(Event::Exited {
        child: 3,
        pid: pids[3],
        status: ExitStatus::Signal {
            signal: 9,
            core: false,
        },
    });
    assert_eq!(spawns(&s.take_commands()), vec![3]);
    assert_eq!(s.children()[3].respawn_count, 1);
    // An exit of a stale pid is ignored.
    s.handle(Event::Spawned { child: 3, pid: 200 });
    s.handle(Event::Exited {
        child: 3,
        pid: pids[3],
        status: ExitStatus::Code(1),
    });
    assert!(s.take_commands().is_empty());
}

#[test]
fn fatal_exit_brings_the_node_down_and_out_of_the_cluster() {
    let (mut s, pids) = started(true);
    s.handle(Event::Exited {
        child: 0,
        pid: pids[0],
        status: ExitStatus::Code(100),
    });
    assert!(s.fatal());
    assert_eq!(s.state(), PcmkdState::ShuttingDown);
    // Stops go in reverse order, one at a time.
    for i in (1..6).rev() {
        let cmds = s.take_commands();
        assert!(
            cmds.contains(&Command::Signal {
                child: i,
                pid: pids[i],
                signal: Signal::Term
            }),
            "expected stop of {i}: {cmds:?}"
        );
        assert!(spawns(&cmds).is_empty());
        s.handle(Event::Exited {
            child: i,
            pid: pids[i],
            status: ExitStatus::Code(0),
        });
    }
    let cmds = s.take_commands();
    assert_eq!(s.state(), PcmkdState::ShutdownComplete);
    assert_eq!(
        cmds,
        vec![Command::StopCorosync, Command::Exit(CrmExit::Fatal)]
    );
}

#[test]
fn shutdown_is_reverse_order_with_escalation_before_the_controller() {
    let (mut s, pids) = started(true);
    s.handle(Event::Shutdown);
    let cmds = s.take_commands();
    assert_eq!(
        cmds,
        vec![Command::Signal {
            child: 5,
            pid: pids[5],
            signal: Signal::Term
        }],
        "no escalation for controld"
    );
    s.handle(Event::Exited {
        child: 5,
        pid: pids[5],
        status: ExitStatus::Code(0),
    });
    let cmds = s.take_commands();
    assert!(cmds.contains(&Command::Signal {
        child: 4,
        pid: pids[4],
        signal: Signal::Term
    }));
    assert!(cmds.contains(&Command::StartTimer {
        timer: TimerId::Escalate(4),
        after: SHUTDOWN_ESCALATION
    }));
    s.handle(Event::Timer(TimerId::Escalate(4)));
    assert_eq!(
        s.take_commands(),
        vec![Command::Signal {
            child: 4,
            pid: pids[4],
            signal: Signal::Segv
        }]
    );
    for i in (0..5).rev() {
        s.handle(Event::Exited {
            child: i,
            pid: pids[i],
            status: ExitStatus::Signal {
                signal: 15,
                core: false,
            },
        });
    }
    let cmds = s.take_commands();
    assert_eq!(cmds.last(), Some(&Command::Exit(CrmExit::OK)));
    assert!(!cmds.contains(&Command::StopCorosync));
}

#[test]
fn respawn_limit_leaves_the_subdaemon_down() {
    let mut s = Supervisor::new(SupervisorConfig {
        max_respawn: 3,
        fail_fast: false,
        absent: Vec::new(),
    });
    s.handle(Event::Start {
        cluster_connected: true,
    });
    for i in 0..6 {
        s.handle(Event::Spawned {
            child: i,
            pid: 100 + i as u32,
        });
    }
    s.take_commands();
    let mut pid = 102;
    for round in 0..3 {
        s.handle(Event::Exited {
            child: 2,
            pid,
            status: ExitStatus::Code(1),
        });
        assert_eq!(spawns(&s.take_commands()), vec![2], "respawn {round}");
        pid = 300 + round;
        s.handle(Event::Spawned { child: 2, pid });
    }
    s.handle(Event::Exited {
        child: 2,
        pid,
        status: ExitStatus::Code(1),
    });
    // Left down; the node goes on.
    assert!(!s.fatal());
    assert_eq!(s.state(), PcmkdState::Running);
    assert!(spawns(&s.take_commands()).is_empty());
    assert!(!s.children()[2].respawn && s.children()[2].pid.is_none());
    // The others are still respawned.
    s.handle(Event::Exited {
        child: 3,
        pid: 103,
        status: ExitStatus::Code(1),
    });
    assert_eq!(spawns(&s.take_commands()), vec![3]);
    // And shutdown completes without it.
    s.handle(Event::Spawned { child: 3, pid: 400 });
    s.handle(Event::Shutdown);
    assert!(
        s.take_commands()
            .iter()
            .all(|c| !matches!(c, Command::Signal { child: 2, .. }))
    );
}

#[test]
fn cluster_children_wait_for_the_cluster() {
    let (mut s, pids) = started(true);
    s.handle(Event::Cluster { connected: false });
    s.handle(Event::Exited {
        child: 5,
        pid: pids[5],
        status: ExitStatus::Code(1),
    });
    assert!(spawns(&s.take_commands()).is_empty());
    assert!(s.children()[5].needs_retry);
    // execd does not need the cluster.
    s.handle(Event::Exited {
        child: 2,
        pid: pids[2],
        status: ExitStatus::Code(1),
    });
    assert_eq!(spawns(&s.take_commands()), vec![2]);
    s.handle(Event::Cluster { connected: true });
    assert_eq!(spawns(&s.take_commands()), vec![5]);
}

#[test]
fn unresponsive_child_is_killed_after_five_checks() {
    let (mut s, pids) = started(true);
    s.take_commands();
    // Checks go round the children, one per interval.
    s.handle(Event::Timer(TimerId::Check));
    assert!(s.take_commands().contains(&Command::CheckLiveness {
        child: 0,
        pid: Some(pids[0])
    }));
    for _ in 0..4 {
        s.handle(Event::Liveness {
            child: 1,
            result: Liveness::PidOnly,
        });
        assert!(s.take_commands().is_empty());
    }
    s.handle(Event::Liveness {
        child: 1,
        result: Liveness::PidOnly,
    });
    assert_eq!(
        s.take_commands(),
        vec![Command::Signal {
            child: 1,
            pid: pids[1],
            signal: Signal::Kill
        }]
    );
    s.handle(Event::Liveness {
        child: 0,
        result: Liveness::Ok,
    });
    assert_eq!(s.children()[0].check_count, 0);
}

#[test]
fn fail_fast_panics_instead_of_respawning() {
    let mut s = Supervisor::new(SupervisorConfig {
        max_respawn: 100,
        fail_fast: true,
        absent: Vec::new(),
    });
    s.handle(Event::Start {
        cluster_connected: true,
    });
    s.handle(Event::Spawned { child: 1, pid: 7 });
    s.take_commands();
    s.handle(Event::Exited {
        child: 1,
        pid: 7,
        status: ExitStatus::Code(1),
    });
    assert!(matches!(
        s.take_commands().as_slice(),
        [Command::Panic { .. }]
    ));
}

#[test]
fn panic_exit_panics_and_stops() {
    let (mut s, pids) = started(true);
    s.handle(Event::Exited {
        child: 1,
        pid: pids[1],
        status: ExitStatus::Code(101),
    });
    let cmds = s.take_commands();
    assert!(matches!(cmds[0], Command::Panic { .. }));
    assert!(s.fatal());
}

#[test]
fn absent_daemons_are_neither_started_nor_checked() {
    let mut s = Supervisor::new(SupervisorConfig {
        absent: vec!["pacemaker-controld".into(), "pacemaker-fenced".into()],
        ..SupervisorConfig::default()
    });
    s.handle(Event::Start {
        cluster_connected: true,
    });
    assert_eq!(spawns(&s.take_commands()), vec![0, 2, 3, 4]);
    for (i, pid) in [(0, 10), (2, 12), (3, 13), (4, 14)] {
        s.handle(Event::Spawned { child: i, pid });
    }
    let mut checked = Vec::new();
    for _ in 0..8 {
        s.handle(Event::Timer(TimerId::Check));
        for c in s.take_commands() {
            if let Command::CheckLiveness { child, .. } = c {
                checked.push(child);
            }
        }
    }
    assert_eq!(checked, vec![0, 2, 3, 4, 0, 2, 3, 4]);
    assert!(!s.children()[5].present && !s.children()[5].respawn);
    // Shutdown stops the running ones in reverse and completes.
    s.handle(Event::Shutdown);
    let mut order = Vec::new();
    loop {
        let cmds = s.take_commands();
        if cmds.contains(&Command::Exit(CrmExit::OK)) {
            break;
        }
        let Some((child, pid)) = cmds.iter().find_map(|c| match c {
            Command::Signal {
                child,
                pid,
                signal: Signal::Term,
            } => Some((*child, *pid)),
            _ => None,
        }) else {
            panic!("no progress: {cmds:?}");
        };
        order.push(child);
        s.handle(Event::Exited {
            child,
            pid,
            status: ExitStatus::Code(0),
        });
    }
    assert_eq!(order, vec![4, 3, 2, 0]);
}
