-- Derived indicators are views over observation, never stored copies. Each derived row
-- carries dataset_id 'derived', a note naming the inputs it was computed from, and the weakest
-- provenance grade of those inputs. The same statements run twice: in the store over its own
-- tables, and in every uploads database (jabodash.store.overlay) over the layered observations,
-- where a saved BPS refresh's figure replaces the built-in one: a density or per-100,000 figure
-- is then computed from the refreshed population. So they name only observation, dataset,
-- region, indicator and grade_scale.

-- The grade of every observed figure (its dataset's), with its rank for "weakest of".
CREATE VIEW observation_grade AS
SELECT o.region_code, o.indicator_id, o.year, d.grade, g.rank
FROM observation o
JOIN dataset d ON d.id = o.dataset_id
JOIN grade_scale g ON g.grade = d.grade;

-- The population used as denominator for per-100,000 ratios: the census count when the
-- year is a census year, otherwise the BPS estimate of that year. Never the registry.
-- grade: the provenance grade of the figure's dataset.
CREATE VIEW population_best AS
SELECT c.region_code, c.year, c.value, 'population_census' AS series, c.dataset_id, d.grade
FROM observation c JOIN dataset d ON d.id = c.dataset_id
WHERE c.indicator_id = 'population_census'
UNION ALL
SELECT e.region_code, e.year, e.value, 'population_estimate_bps' AS series, e.dataset_id, d.grade
FROM observation e JOIN dataset d ON d.id = e.dataset_id
WHERE e.indicator_id = 'population_estimate_bps'
  AND NOT EXISTS (SELECT 1 FROM observation c
                  WHERE c.indicator_id = 'population_census'
                    AND c.region_code = e.region_code AND c.year = e.year);

-- Density: population / official BIG area.
CREATE VIEW derived_density AS
SELECT o.region_code, i.id AS indicator_id, o.year, o.value / r.area_km2 AS value,
       'derived' AS dataset_id,
       'derived: ' || i.numerator || ' ' || o.year || ' (' || o.dataset_id || ') / official BIG area ' || r.area_km2 || ' km2' AS note,
       (SELECT grade FROM grade_scale WHERE rank = least(gn.rank, coalesce(ga.rank, 0))) AS grade
FROM indicator i
JOIN observation o ON o.indicator_id = i.numerator
JOIN region r ON r.code = o.region_code
JOIN observation_grade gn ON gn.region_code = o.region_code AND gn.indicator_id = o.indicator_id AND gn.year = o.year
LEFT JOIN observation_grade ga ON ga.region_code = o.region_code AND ga.indicator_id = 'area_km2_big'
WHERE i.derivation = 'density' AND r.area_km2 > 0;

-- Compound annual growth between the censuses, t = 10.33 years (May 2010 to Sept 2020).
CREATE VIEW derived_growth AS
SELECT a.region_code, i.id AS indicator_id, 2020 AS year,
       (power(b.value / a.value, 1.0 / 10.33) - 1) * 100 AS value,
       'derived' AS dataset_id,
       'derived: (' || i.numerator || ' 2020 / ' || i.numerator || ' 2010)^(1/10.33) - 1' AS note,
       (SELECT grade FROM grade_scale WHERE rank = least(ga.rank, gb.rank)) AS grade
FROM indicator i
JOIN observation a ON a.indicator_id = i.numerator AND a.year = 2010
JOIN observation b ON b.indicator_id = i.numerator AND b.year = 2020 AND b.region_code = a.region_code
JOIN observation_grade ga ON ga.region_code = a.region_code AND ga.indicator_id = a.indicator_id AND ga.year = 2010
JOIN observation_grade gb ON gb.region_code = b.region_code AND gb.indicator_id = b.indicator_id AND gb.year = 2020
WHERE i.derivation = 'cagr_census' AND a.value > 0;

-- Facilities and staff per 100,000 people, where numerator and population exist for the
-- same region and year.
CREATE VIEW derived_per_100k AS
SELECT o.region_code, i.id AS indicator_id, o.year, o.value / p.value * 100000 AS value,
       'derived' AS dataset_id,
       'derived: ' || i.numerator || ' / ' || p.series || ' ' || o.year || ' x 100,000' AS note,
       (SELECT grade FROM grade_scale WHERE rank = least(gn.rank, gp.rank)) AS grade
FROM indicator i
JOIN observation o ON o.indicator_id = i.numerator
JOIN population_best p ON p.region_code = o.region_code AND p.year = o.year
JOIN observation_grade gn ON gn.region_code = o.region_code AND gn.indicator_id = o.indicator_id AND gn.year = o.year
JOIN observation_grade gp ON gp.region_code = p.region_code AND gp.indicator_id = p.series AND gp.year = p.year
WHERE i.derivation = 'per_100k' AND p.value > 0;

-- Every derived figure (observation_all adds the observed ones).
CREATE VIEW derived_all AS
SELECT region_code, indicator_id, year, value, dataset_id, note, grade FROM derived_density
UNION ALL SELECT region_code, indicator_id, year, value, dataset_id, note, grade FROM derived_growth
UNION ALL SELECT region_code, indicator_id, year, value, dataset_id, note, grade FROM derived_per_100k;
