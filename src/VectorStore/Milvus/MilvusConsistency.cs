namespace ImageSearch.VectorStore.Milvus;

/// <summary>The consistency level sent with searches and gets.</summary>
internal static class MilvusConsistency
{
    /// <summary>
    /// <c>Session</c> becomes <c>Strong</c>. Session means "see my own writes": SDKs get it by sending the timestamp of
    /// the client's last write as the guarantee timestamp. REST v2 has no field for one (search, query and get take
    /// only <c>consistencyLevel</c>), and the proxy keeps the request's guarantee timestamp for Session, which over
    /// REST is 0: no wait at all, i.e. Eventually. Strong is what actually shows every write that returned.
    /// </summary>
    public static string ForReads(string configured) => configured == "Session" ? "Strong" : configured;
}
