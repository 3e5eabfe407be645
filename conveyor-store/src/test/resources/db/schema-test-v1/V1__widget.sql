CREATE TABLE schema_test_widget (id INTEGER PRIMARY KEY);
