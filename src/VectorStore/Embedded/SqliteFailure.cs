using Microsoft.Data.Sqlite;
using static SQLitePCL.raw;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The one translation of SQLite failures into the store's error contract. A failure of the disk, the file or its locks
/// is an outage: it becomes <see cref="StoreUnavailableException"/>, which the indexer retries (the batch waits instead
/// of going to the error queue) and the query API answers with 503. Everything else (a constraint, corruption, bad SQL)
/// is a fault of ours or of the file and surfaces unchanged.
/// </summary>
internal static class SqliteFailure
{
    /// <summary>Runs one operation on the database in <paramref name="file"/>, translating its outage errors.</summary>
    public static T Guard<T>(string file, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (SqliteException e) when (Outage(e.SqliteErrorCode) is { } what)
        {
            throw new StoreUnavailableException(
                $"The embedded store's database {file} is unavailable: {what} (SQLite error {e.SqliteExtendedErrorCode}: {e.Message}); retry once the cause is fixed.", e);
        }
    }

    public static void Guard(string file, Action operation) => Guard(file, () =>
    {
        operation();
        return 0;
    });

    /// <summary>What the primary result code means for an operator, or null when it is not an outage.</summary>
    private static string? Outage(int code) => code switch
    {
        SQLITE_FULL => "disk full",
        SQLITE_IOERR => "I/O error reading or writing the file",
        SQLITE_BUSY => "busy: another connection held the database lock past the busy timeout",
        SQLITE_LOCKED => "locked by another statement",
        SQLITE_READONLY => "read-only: the file or its folder cannot be written",
        SQLITE_CANTOPEN => "cannot open the file (missing folder, permissions, or too many open files)",
        _ => null,
    };
}
