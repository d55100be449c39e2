"""The routing domain: offers, presence, sessions and who gets the next item.

One part per concern, composed in `engine.Engine`. Other domains (customer notifications) are
sibling packages over the same store and network layer.

Where each of DESIGN.md's rules lives (rows of the two tables, or a named check):

1. who may get work: `router.Router.eligible` / `candidate`; offer row (pending, accept)
2. missed: offer row (pending, timeout); presence rows (*, missed)
3. reject: `render.rejectable`; offer row (pending, reject); presence rows (*, rejected)
4. case: `ChannelTraits.rejectable` / `assigned_at_timeout`; offer row (pending, timeout_assigns)
5. auto-accept: `flow.WorkFlow._give`; `render.rejectable`
6. toasts for assignments, alerts for offers: `flow.WorkFlow._give`; `render.render_toast`
7. max sessions: `router.Router.candidate`, `flow.WorkFlow.route` / `direct` / `session_limit`;
   offer row (pending, session_limit); presence rows (*, session_limit)
8. vanished client: offer rows (pending, timeout_away), (held, agent_returns / grace_ends),
   (pending, agent_gone); `directory.Directory.reroute_grace`; presence rows (*, disconnect);
   `flow.WorkFlow.reclaim_sessions`
9. SMS contact: `render.customer_for` (`ChannelTraits.links_contact_by_phone`)
10. automatic presence: presence rows (*, load_changed), (offline, login / reconnect),
    (*, logout); `presence_table.capacity_presence`
11. who sets presence: presence rows (*, agent_chooses / supervisor_resets),
    `agent_requests.AgentRequests.reset_presence`; the audit log: `ledger.Ledger.audit`

Routing depth (issue 11), numbered after the design's rules:

12. custom presences: `Standing.CUSTOM` rows (a deliberate choice: stays at a load change);
    `lookups.Lookups.presence_choice`; routing reads the base presence only
13. wrap-up: `wrap_ups.WrapUps` (held in `Sessions`, counted by `Router.session_load`);
    `flow.WorkFlow.finish_work` / `end_wrap_up`; `depth_requests.DepthRequests`
14. repeat misses: presence rows (*, repeat_misses); `penalties.Penalties`; `Router._may_route`
15. next status: presence rows (*, next_status); `flow.WorkFlow.take_next_presence` (checked
    before the capacity rule in `follow_load`)
16. queue position, estimated wait, queue statistics: `queue_stats.QueueStatistics` (the
    estimator is documented there); `QueueIndex.position`
"""
