using ImageSearch.VectorStore;

/// <summary>Records derived from their id alone, so the test can check contents without talking to the writer.</summary>
public static class CrashRecords
{
    public static VectorRecord Make(long id, int dimension)
    {
        var random = new Random((int)id);
        var vector = new float[dimension];
        for (var i = 0; i < dimension; i++)
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        return new VectorRecord(id, vector, $"/images/{id}.jpg", id % 2 == 0 ? "even" : "odd");
    }
}
