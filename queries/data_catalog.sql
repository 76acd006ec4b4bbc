-- Data and methods page: the indicator catalog with its coverage in the region set
-- (years with data, the most regions any year has, figures) and, for flow indicators, the
-- number of flow rows.
WITH members AS (
    SELECT code FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), per_year AS (
    SELECT o.indicator_id, o.year, count(*) AS n
    FROM shown_figures($official_only) o
    JOIN members m ON m.code = o.region_code
    GROUP BY o.indicator_id, o.year
), cov AS (
    SELECT indicator_id, list(year ORDER BY year) AS years, max(n) AS max_regions, sum(n) AS figures,
           min(year) AS first_year, max(year) AS last_year
    FROM per_year
    GROUP BY indicator_id
), flows AS (
    SELECT indicator_id, count(*) AS flow_rows FROM shown_flows($official_only) GROUP BY indicator_id
)
SELECT i.id, i.theme, i.kind, i.name_id, i.name_en, i.short_id, i.short_en, i.unit_id, i.unit_en,
       i.definition_id, i.definition_en, i.higher_is_better, i.aggregation, i.derivation,
       i.formula_id, i.formula_en, i.source_note, i.sort_order,
       coalesce(c.years, []) AS years, coalesce(c.max_regions, 0) AS max_regions,
       coalesce(c.figures, 0) AS figures, c.first_year, c.last_year,
       coalesce(f.flow_rows, 0) AS flow_rows,
       (SELECT count(*) FROM members) AS regions_in_set
FROM indicator i
LEFT JOIN cov c ON c.indicator_id = i.id
LEFT JOIN flows f ON f.indicator_id = i.id
ORDER BY i.sort_order;
