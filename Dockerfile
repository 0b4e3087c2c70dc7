# Deepgram Doctor: a Slack bot. Configure it with environment variables at `docker run`; nothing
# secret is baked into the image.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEEPGRAM_DOCTOR_DB=/data/deepgram-doctor.db \
    PORT=3000

RUN useradd --create-home --uid 10001 doctor \
    && mkdir /data && chown doctor:doctor /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY simworld ./simworld
RUN pip install .

USER doctor
VOLUME ["/data"]
EXPOSE 3000

# HTTP mode serves /healthz; in Socket Mode (SLACK_APP_TOKEN set) there is no port to check and
# `deepgram-doctor healthcheck` reports healthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["deepgram-doctor", "healthcheck"]

CMD ["deepgram-doctor", "serve"]
