from werkzeug.datastructures import FileStorage
from wtforms import FileField as _FileField
from wtforms.validators import DataRequired

class FileField(_FileField):
    data: FileStorage | None

class FileRequired(DataRequired): ...
