-- Kecamatan figures of one indicator and year whose kecamatan (7-digit BPS code) has no polygon in
-- the cached kecamatan boundaries: the map cannot draw them, so the page lists them as gaps.
SELECT o.region_code, o.value
FROM shown_figures($official_only) o
WHERE o.indicator_id = $indicator_id AND o.year = $year AND length(o.region_code) = 7
  AND o.region_code NOT IN (SELECT code FROM kecamatan)
ORDER BY o.region_code;
