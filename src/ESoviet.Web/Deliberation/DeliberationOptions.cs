namespace ESoviet.Web.Deliberation;

/// <summary>Limits on what a contribution may carry, bound from <c>ESoviet:Deliberation</c>.</summary>
public sealed class DeliberationOptions
{
    public const string SectionName = "ESoviet:Deliberation";

    public int MaxBodyLength { get; set; } = 100_000;
    public int MaxTitleLength { get; set; } = 200;
    public int MaxTags { get; set; } = 10;
    public int MaxStructureFieldLength { get; set; } = 4_000;
    public int MaxAttachmentsPerContribution { get; set; } = 10;
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;
}
