using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>Configuration section <c>VectorStore</c>: which store, and the settings of each.</summary>
public sealed class VectorStoreOptions : IValidatableObject
{
    public const string Section = "VectorStore";

    public VectorStoreKind Kind { get; set; } = VectorStoreKind.Embedded;

    public EmbeddedStoreOptions Embedded { get; set; } = new();

    public MilvusStoreOptions Milvus { get; set; } = new();

    /// <summary>Validates the chosen store's settings (data annotations do not recurse into nested objects).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        object chosen = Kind == VectorStoreKind.Embedded ? Embedded : Milvus;
        List<ValidationResult> results = [];
        Validator.TryValidateObject(chosen, new ValidationContext(chosen), results, validateAllProperties: true);
        if (Kind == VectorStoreKind.Embedded)
            Validator.TryValidateObject(Embedded.Hnsw, new ValidationContext(Embedded.Hnsw), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult($"{Section}:{Kind}: {r.ErrorMessage}", r.MemberNames));
    }
}
