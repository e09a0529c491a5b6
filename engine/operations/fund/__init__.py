"""The reward fund (quỹ thi đua, khen thưởng) of each issuing unit: budget and income entries, payouts
made from each issued decision's reward amounts, paid once each, the balance and the yearly report
(docs/fund.md)."""
