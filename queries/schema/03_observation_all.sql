-- Every figure, observed or derived, in one long table.
CREATE VIEW observation_all AS
SELECT o.region_code, o.indicator_id, o.year, o.value, o.dataset_id, o.note, FALSE AS derived, d.grade
FROM observation o JOIN dataset d ON d.id = o.dataset_id
UNION ALL SELECT region_code, indicator_id, year, value, dataset_id, note, TRUE, grade FROM derived_all;
