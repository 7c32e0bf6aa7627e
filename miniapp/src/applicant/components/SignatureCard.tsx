import { createElement, useRef, useState } from 'react'
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { Button, Signature } from '@nutui/nutui-react-taro'
import { DOCUMENT_RULES } from '@zhiyetong/shared'
import { errorMessage } from '../../lib/api'
import { documentPath, useDocumentImage } from '../../lib/files'
import { fmtDateTime } from '../../lib/format'
import { CancelledError, isH5, taroCall, toast } from '../../lib/platform'
import { progressText, type UploadProgress } from '../../lib/upload-retry'
import { Img } from '../../components/Img'
import { uploadApplicationDocument } from '../lib/documents'
import { signaturePng } from '../lib/signature'

/**
 * 注册证书个人签名 (签名图片; 001 §3.1, §4; shared PROFESSION_RULES.signatureImage and DOCUMENT_RULES.signature):
 * drawn on the screen with NutUI's Signature (a canvas; H5 and weapp) or photographed on paper, made a PNG
 * on a transparent background cut to the ink (lib/signature), and uploaded as document `signature` with
 * progress and retry after a drop. Shows the uploaded image, and a refusal with the BFF's message.
 */
export function SignatureCard({ applicationId, required, uploaded, disabled, onUploaded }: { applicationId: string; required: boolean; uploaded?: { contentType: string; uploadedAt: string }; disabled?: boolean; onUploaded: () => void }) {
  const [drawing, setDrawing] = useState(false)
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<UploadProgress | null>(null)
  const [refused, setRefused] = useState('')
  const pad = useRef<{ confirm: () => void; clear: () => void } | null>(null)
  const image = useDocumentImage(uploaded ? documentPath(applicationId, 'signature') : null, uploaded?.uploadedAt)
  const rule = DOCUMENT_RULES.signature

  async function send(source: string | Blob, drawn: boolean) {
    setBusy(true)
    setRefused('')
    try {
      const png = await signaturePng(source, { drawn })
      await uploadApplicationDocument(applicationId, 'signature', png, setProgress)
      setDrawing(false)
      onUploaded()
    } catch (e) {
      setRefused(errorMessage(e))
    } finally {
      setBusy(false)
      setProgress(null)
    }
  }

  /** NutUI Signature's onConfirm: the canvas as a PNG (H5: data URL; weapp: temp file), and whether anything was drawn. */
  function confirmed(file: string, signed?: boolean) {
    if (!signed || !file) {
      toast('请先在方框内签名')
      return
    }
    send(file, true)
  }

  async function photograph() {
    try {
      const res = await taroCall(() => Taro.chooseMedia({ count: 1, mediaType: ['image'], sourceType: ['camera', 'album'], sizeType: ['original'], camera: 'back' }), '当前环境不支持拍照')
      const f = res.tempFiles[0]
      if (f) await send(f.tempFilePath, false)
    } catch (e) {
      if (!(e instanceof CancelledError)) setRefused(errorMessage(e))
    }
  }

  const state = busy ? 'uploading' : refused ? 'refused' : uploaded ? 'uploaded' : 'missing'
  return (
    <View className='card' data-testid='signature-card' data-state={state}>
      <View className='card__title'>
        <View className={required ? 'field__label--required' : ''}>{rule.label}</View>
      </View>
      <View className='card__hint'>该签名将印在电子注册证书上。可在下方方框内手写签名，或用深色笔在白纸上签名后拍照上传（自动去除背景）。</View>
      {uploaded && image && !drawing && (
        <View className='signature-preview'>
          <Img className='signature-preview__img' src={image} mode='aspectFit' alt='已上传的签名图片' />
        </View>
      )}
      <View className={`doc-slot__state ${state === 'uploaded' ? 'doc-slot__state--done' : ''}`} data-testid='document-state-signature' aria-live='polite'>
        {busy ? progressText(progress) : refused ? '未通过，请重新签名' : uploaded ? `已上传（${fmtDateTime(uploaded.uploadedAt)}）` : required ? '待上传' : '可选：不上传则沿用注册证书上的签名'}
      </View>
      {refused && (
        <View className='field__error' data-testid='document-error-signature'>
          {refused}
        </View>
      )}
      {drawing && (
        // catchMove: in the mini program a touchmove here does not scroll the page (H5: touch-action none in the styles)
        <View className='signature-pad' data-testid='signature-pad' catchMove>
          <Signature ref={pad as any} canvasId='zyt-signature' type='png' lineWidth={4} strokeStyle='#111111' onConfirm={confirmed} className='signature-pad__canvas' />
          <View className='signature-pad__hint'>请在方框内用手指书写本人姓名</View>
          <View className='signature-actions'>
            <Button className='big-btn' fill='outline' type='primary' onClick={() => pad.current?.clear()} data-testid='signature-clear'>
              重写
            </Button>
            <Button className='big-btn' type='primary' loading={busy} onClick={() => pad.current?.confirm()} data-testid='signature-confirm'>
              确认签名
            </Button>
          </View>
        </View>
      )}
      {!disabled && !drawing && (
        <View className='signature-actions'>
          <Button className='big-btn' type='primary' fill='outline' onClick={() => setDrawing(true)} data-testid='signature-draw'>
            {uploaded ? '重新手写签名' : '手写签名'}
          </Button>
          {isH5 ? (
            <View className='signature-photo'>
              <Button className='big-btn' type='primary' fill='outline' data-testid='signature-photo'>
                拍摄纸上签名
              </Button>
              {createElement('input', {
                type: 'file',
                accept: 'image/*',
                className: 'signature-photo__file',
                'data-testid': 'signature-photo-input',
                'aria-label': '拍摄纸上签名',
                onChange: (e: any) => {
                  const input = e.target as HTMLInputElement
                  const file = input.files?.[0]
                  input.value = ''
                  if (file) send(file, false)
                },
              })}
            </View>
          ) : (
            <Button className='big-btn' type='primary' fill='outline' onClick={photograph} data-testid='signature-photo'>
              拍摄纸上签名
            </Button>
          )}
        </View>
      )}
    </View>
  )
}
