-- The indicators with figures over the kecamatan of the cached boundaries, with the years and the
-- widest coverage each has: the uploaded ones (listed even before they cover a kecamatan), the
-- built-in ones with kecamatan rows in data/observations.csv (the SP2010 preliminary population,
-- data/sources/kecamatan_sp2010.csv) and those a saved official refresh gives kecamatan figures
-- (Dukcapil's population through data/kecamatan_crosswalk.csv).
SELECT * EXCLUDE (level) FROM indicator_by_level($official_only)
WHERE level = 'kecamatan' AND (theme = 'uploaded' OR max_regions > 0) ORDER BY sort_order;
