ALTER TABLE schema_test_widget ADD COLUMN label VARCHAR(20);
