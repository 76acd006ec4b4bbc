-- Data and methods page: how many figures each indicator has per provenance grade in the
-- region set (derived figures included, each with the weakest grade of its inputs; flows by
-- their dataset's grade). The switch "official figures only" ($official_only) counts only
-- what the pages then show.
WITH members AS (
    SELECT code FROM region
    WHERE ($region_set = 'agglomeration' AND in_agglomeration) OR ($region_set = 'jabodetabek' AND in_jabodetabek)
), graded AS (
    SELECT o.indicator_id, o.grade
    FROM shown_figures($official_only) o JOIN members m ON m.code = o.region_code
    UNION ALL
    SELECT f.indicator_id, f.grade FROM shown_flows($official_only) f
)
SELECT i.id AS indicator_id, i.name_id, i.name_en, i.theme, i.sort_order, g.grade, count(*) AS figures
FROM graded g
JOIN indicator i ON i.id = g.indicator_id
GROUP BY ALL
ORDER BY i.sort_order, g.grade;
