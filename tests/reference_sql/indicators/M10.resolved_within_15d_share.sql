-- M10.resolved_within_15d_share (ratio): of complaints resolved in the week, the share resolved at most
-- 15 days after receipt; base: the complaints it rests on
{% from "_grid.sql" import resolved_complaints, share %}
with {{ resolved_complaints() }},

{{ share("resolved", "days_to_resolve <= 15") }}
