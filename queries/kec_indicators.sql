-- The uploaded indicators with the years and the widest coverage each has over the kecamatan of
-- the cached boundaries (the built-in data has no kecamatan figures).
SELECT * EXCLUDE (level) FROM indicator_by_level($official_only) WHERE level = 'kecamatan' AND theme = 'uploaded' ORDER BY sort_order;
