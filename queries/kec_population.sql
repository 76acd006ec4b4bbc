-- Dukcapil's registered population of each kecamatan of the cached boundaries (saved Dukcapil
-- refreshes, through data/kecamatan_crosswalk.csv): the latest figure of either semester series and
-- the one before it (for the change), with their dataset's title as the source. A kecamatan without a
-- figure has no row. Semester II (31 December) comes after semester I (30 June) of the same year.
WITH points AS (
    SELECT o.region_code, o.indicator_id, o.year, o.value, o.grade, d.title AS source,
           o.year * 2 + CASE WHEN o.indicator_id = 'population_dukcapil' THEN 1 ELSE 0 END AS t
    FROM shown_figures($official_only) o
    JOIN kecamatan k ON k.code = o.region_code
    LEFT JOIN dataset d ON d.id = o.dataset_id
    WHERE o.indicator_id IN ('population_dukcapil', 'population_dukcapil_sem1')
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY region_code ORDER BY t DESC) AS n FROM points
)
SELECT a.region_code, a.year, CASE WHEN a.indicator_id = 'population_dukcapil' THEN 2 ELSE 1 END AS semester,
       a.value, a.grade, a.source,
       b.year AS prev_year, CASE WHEN b.indicator_id = 'population_dukcapil' THEN 2 ELSE 1 END AS prev_semester,
       b.value AS prev_value
FROM ranked a
LEFT JOIN ranked b ON b.region_code = a.region_code AND b.n = 2
WHERE a.n = 1
ORDER BY a.region_code;
