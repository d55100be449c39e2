"""The routing domain: offers, presence, sessions and who gets the next item.

One part per concern, composed in `engine.Engine`; the rules are the tables `offer_table` and
`presence_table` (DESIGN.md's rules 1-11 each trace to a row or a named check there or in
`router`). Other domains (customer notifications) are sibling packages over the same store and
network layer.
"""
