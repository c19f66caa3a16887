using System.Text.Json.Serialization;

namespace ImageSearch.Contracts;

/// <summary>Why an image was dead-lettered. Serialised by name so queued messages survive reordering.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeadLetterReason>))]
public enum DeadLetterReason
{
    /// <summary>The file does not exist.</summary>
    FileMissing,
    /// <summary>The file has zero bytes.</summary>
    FileEmpty,
    /// <summary>The bytes are not a supported image format (sniffed from content, not the extension).</summary>
    NotAnImage,
    /// <summary>The header is valid but the image data is truncated or corrupt.</summary>
    Corrupt,
    /// <summary>Width × height exceeds the configured pixel limit.</summary>
    TooManyPixels,
    /// <summary>The file exceeds the configured byte limit.</summary>
    TooManyBytes,
    /// <summary>The image is smaller than the configured minimum side.</summary>
    TooSmall,
    /// <summary>The file exists but cannot be read (permissions, or an I/O error that persisted through retries).</summary>
    Unreadable,
    /// <summary>The path is outside the configured allowed roots.</summary>
    OutsideAllowedRoots,
    /// <summary>The message itself is invalid (empty path, bad id).</summary>
    InvalidMessage,
    /// <summary>The vector does not fit the target collection (dimension or model mismatch).</summary>
    CollectionMismatch,
    /// <summary>The path is not a regular file: a directory, FIFO, socket or device.</summary>
    NotAFile,
    /// <summary>The native decoder crashed (the process died) while decoding this image.</summary>
    DecoderCrashed,
    /// <summary>A failure nobody foresaw for this one image; the detail carries the exception's type and message.</summary>
    Unexpected,
}
