-- The indicator catalog with the years and the widest coverage each has in the data (over the
-- kab/kota: an upload's kecamatan figures count in kec_indicators).
SELECT * EXCLUDE (level) FROM indicator_by_level($official_only) WHERE level = 'kabkota' ORDER BY sort_order;
