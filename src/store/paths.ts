// Which DATABASE_PATH values name no file: SQLite's in-memory forms. Its own module, free of better-sqlite3, so the
// configuration can refuse them without loading the native driver.
export const isInMemoryPath = (file: string): boolean =>
  file === ':memory:' || file === '' || /^file::memory:/i.test(file) || /[?&]mode=memory\b/i.test(file);
