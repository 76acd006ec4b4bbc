-- Regions of a region set ('jabodetabek' = 14, 'agglomeration' = 15 with Kab. Cianjur).
SELECT code, kemendagri_code, name, short_name, kind, province_code, province,
       in_jabodetabek, in_agglomeration, lat, lon, area_km2, area_source
FROM region
WHERE ($region_set = 'agglomeration' AND in_agglomeration)
   OR ($region_set = 'jabodetabek' AND in_jabodetabek)
ORDER BY code;
