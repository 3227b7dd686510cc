from .catalogue import PrintCopy, Publication, Series, Subject
from .digital import DigitalFile, DownloadRecord, SearchDocument, SearchTerm
from .imports import ImportJob
from .requests import RetrievalRequest, SoftcopyRequest
from .usage import ReadingLog, ScannerLog, UsageEvent

__all__ = [
    "DigitalFile",
    "DownloadRecord",
    "ImportJob",
    "PrintCopy",
    "Publication",
    "ReadingLog",
    "RetrievalRequest",
    "ScannerLog",
    "SearchDocument",
    "SearchTerm",
    "Series",
    "SoftcopyRequest",
    "Subject",
    "UsageEvent",
]
