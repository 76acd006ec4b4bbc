-- title: Commuting flows with region names
-- title_id: Arus komuter beserta nama wilayah
-- Origins and destinations are region codes where known; other destinations keep their label.
-- id: Asal dan tujuan berupa kode wilayah bila diketahui; tujuan lain memakai labelnya.
SELECT f.year,
       coalesce(o.name, f.origin_code) AS origin,
       coalesce(d.name, f.destination_code) AS destination,
       f.indicator_id,
       f.value AS commuters,
       f.note
FROM flow AS f
LEFT JOIN region AS o ON o.code = f.origin_code
LEFT JOIN region AS d ON d.code = f.destination_code
ORDER BY f.year, commuters DESC;
