import Delta
import S3
