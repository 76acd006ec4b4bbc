-- The derived views when the bundle holds no saved BPS refresh (jabodash.store.overlay): the
-- layered observations then differ from the store's only by uploaded indicators, which no
-- derivation names, so the store's derived views give the same figures (and are faster).
CREATE VIEW population_best AS SELECT * FROM builtin.population_best;
CREATE VIEW derived_density AS SELECT * FROM builtin.derived_density;
CREATE VIEW derived_growth AS SELECT * FROM builtin.derived_growth;
CREATE VIEW derived_per_100k AS SELECT * FROM builtin.derived_per_100k;
CREATE VIEW derived_all AS SELECT * FROM builtin.derived_all;
